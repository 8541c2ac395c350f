package io.fedmesh.edge.link;

import io.fedmesh.proto.federation.v1.LinkQuality;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured link to the coordinator: RTT from echoed heartbeat timestamps, bandwidth from
 * model downloads, upload throughput from update uploads, loss from heartbeats that went unanswered.
 */
public final class LinkMonitor {
  private final DistributionSummary rttMetric;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private volatile double rttMs;
  private volatile double bandwidthMbps;
  private volatile double uploadMbps;

  public LinkMonitor(MeterRegistry registry) {
    this.rttMetric = DistributionSummary.builder("fedmesh_agent_heartbeat_rtt_ms").description("heartbeat round trip")
        .register(registry);
  }

  /** The link as the next heartbeat reports it. */
  public LinkQuality quality() {
    long s = sent.get();
    long total = Math.max(1, s);
    // the previous heartbeat may still be in flight rather than lost: hence the - 1
    double loss = Math.max(0, Math.min(1, (double) (s - acked.get() - 1) / total));
    return LinkQuality.newBuilder().setRttMs(rttMs).setBandwidthMbps(bandwidthMbps).setLoss(loss).setUploadMbps(uploadMbps).build();
  }

  public void heartbeatSent() {
    sent.incrementAndGet();
  }

  /** An ack of one of our heartbeats; its echo (when set) is an RTT sample. */
  public void acked(long echoSentUnixNanos) {
    acked.incrementAndGet();
    if (echoSentUnixNanos > 0) {
      rttMs = Math.max(0, (unixNanos() - echoSentUnixNanos) / 1e6);
      rttMetric.record(rttMs);
    }
  }

  /** A model download of {@code bytes} that took {@code seconds}. */
  public void downloaded(long bytes, double seconds) {
    if (seconds > 0) {
      bandwidthMbps = bytes * 8 / seconds / 1e6;
    }
  }

  /** An update upload of {@code bytes} that took {@code seconds} until the coordinator answered. */
  public void uploaded(long bytes, double seconds) {
    if (seconds > 0 && bytes > 0) {
      uploadMbps = bytes * 8 / seconds / 1e6;
    }
  }

  /** Wall-clock time as heartbeats carry it (and acks echo it back). */
  public static long unixNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
