package io.fedmesh.edge.rounds;

import io.fedmesh.edge.outbox.Outbox;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which assignments this agent has queued, finished or delivered, so that an assignment listed on
 * every ack (or pushed, then listed again) is worked on once per coordinator session.
 */
public final class AssignmentLedger {
  /** An accepted update and the session it went out in. */
  public record Delivered(Outbox.Pending update, long session) {}

  private static final int DELIVERED_KEPT = 8;

  /** Keys done in this session (delivered, refused or past deadline). */
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  /** Keys queued or running on the work thread. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** The last few accepted updates, for a restarted coordinator that lost them. */
  private final Map<String, Delivered> delivered = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Delivered> eldest) {
      return size() > DELIVERED_KEPT;
    }
  });
  /** Counts registrations: each is a session, possibly with a restarted coordinator. */
  private final AtomicLong session = new AtomicLong();

  /**
   * The key of a site's assignment: training/round/site for training (its update's idempotency
   * key), with "/evaluate" for an evaluate-only one: after the last round the same site is asked to
   * evaluate that round's version, and that must not read as the round already finished.
   */
  public static String key(TrainAssignment a, String site) {
    String update = a.getTraining() + "/" + a.getRound() + "/" + site;
    return a.getEvaluateOnly() ? update + "/evaluate" : update;
  }

  /**
   * A new session may be a restarted coordinator that lost what it had accepted: whatever it
   * still lists is looked at again (delivered from the cache or trained again).
   */
  public void newSession() {
    session.incrementAndGet();
    finished.clear();
  }

  public long session() {
    return session.get();
  }

  /** True when the key is neither finished nor already queued; it is then in flight until {@link #release}. */
  public boolean claim(String key) {
    return !finished.contains(key) && inFlight.add(key);
  }

  public void release(String key) {
    inFlight.remove(key);
  }

  public void finished(String key) {
    finished.add(key);
  }

  public void delivered(Outbox.Pending update) {
    delivered.put(update.header().getIdempotencyKey(), new Delivered(update, session.get()));
  }

  public Optional<Delivered> deliveredBefore(String key) {
    return Optional.ofNullable(delivered.get(key));
  }
}
