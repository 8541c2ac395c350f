package io.fedmesh.mesh.wan;

import java.nio.ByteBuffer;
import java.util.Random;
import org.netcrusher.core.throttle.Throttler;

/**
 * One direction of one connection through an emulated link: each chunk leaves when the emulated
 * wire is free (its bytes at the current bandwidth after the bytes before it) and arrives one-way
 * latency, plus jitter, later. Arrivals never go backwards, so jitter delays but never reorders.
 * Conditions are read per chunk: a bandwidth change slows the very next chunk.
 */
final class LinkThrottler implements Throttler {
  private final LinkConditions conditions;
  private final Random random;
  private long wireFreeAt;
  private long lastArrival;

  LinkThrottler(LinkConditions conditions, long seed) {
    this.conditions = conditions;
    this.random = new Random(seed);
  }

  @Override
  public synchronized long calculateDelayNs(ByteBuffer bb) {
    long now = System.nanoTime();
    long start = Math.max(now, wireFreeAt);
    wireFreeAt = start + (long) (bb.remaining() / conditions.bytesPerNano());
    long jitter = conditions.jitterNanos() == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * conditions.jitterNanos());
    long arrival = Math.max(lastArrival, wireFreeAt + Math.max(0, conditions.oneWayNanos() + jitter));
    lastArrival = arrival;
    return Math.max(0, arrival - now);
  }
}
