package io.fedmesh.operator.coordinator;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.NormBound;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Updates received for the open round of each training. The idempotency key
 * (training/round/site) is remembered for the open round and the one before it, so a resend is
 * acknowledged but never counted twice, even just after its round closed; a training that ends
 * is forgotten whole. An accepted update is on disk ({@link AcceptedUpdateStore}) before the
 * offer returns, so what the coordinator acknowledges survives a crash of the operator.
 * A refused update (admission or norm bound) is kept on record for its round,
 * one reason per site, and its site is no longer waited for. What a round keeps of its updates is
 * {@link RoundUpdates}: for a weighted-mean strategy their facts and one running mean, not their
 * weights. Closing is two steps: {@link #seal} (nothing more is taken, the norm bound may still
 * refuse) and {@link #take} (the round goes, its updates with it), so what is aggregated is exactly
 * what was screened and recorded. A BufferedAsync training has an
 * {@link UpdateBuffer} instead of an open round: the same calls, the same durability, updates of
 * several rounds.
 */
public final class UpdateInbox {
  /** What happened to an offered update. */
  /**
   * What happened to an offered update. RETRY_LATER: the round is closing and may yet be retried
   * (a missed quorum): nothing is kept and nothing refused, the site sends it again.
   */
  public enum Outcome { ACCEPTED, DUPLICATE, REJECTED, RETRY_LATER }

  /** Outcome plus a message for the agent. */
  public record Result(Outcome outcome, String message) {}

  private static final class OpenRound {
    final int round;
    /** What the round's updates are trained from: the training object's uid and global model version. */
    final String baseVersion;
    /** Immutable; a retry replaces it with a larger one. */
    volatile Set<String> participants;
    final RoundUpdates updates;
    /** Site to why its update was refused; only participants, one entry each, so a peer cannot grow it. */
    final Map<String, String> refused = new java.util.TreeMap<>();
    /** The round is closing: no update is taken any more (a retry opens it again). */
    boolean sealed;

    OpenRound(int round, String baseVersion, Set<String> participants, RoundUpdates updates) {
      this.round = round;
      this.baseVersion = baseVersion;
      this.participants = Set.copyOf(participants);
      this.updates = updates;
    }
  }

  private final Map<String, OpenRound> open = new ConcurrentHashMap<>();
  private final Map<String, UpdateBuffer> buffers = new ConcurrentHashMap<>();
  private final Map<String, SeenKeys> seen = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final AcceptedUpdateStore durable;

  public UpdateInbox(AcceptedUpdateStore durable) {
    this.durable = durable;
  }

  /** Hears the training of every accepted update (the reconciler closes a complete round at once). */
  public void onAccepted(Consumer<String> listener) {
    listeners.add(listener);
  }

  /**
   * Opens a round. Re-opening the same round (a retry after a missed quorum) keeps the updates
   * already received: they were trained from the same global model and stay valid.
   *
   * @param global the weights the round's updates are trained from (their norms are measured against it; not copied)
   * @param streaming fold the updates into a running mean (the strategy is a weighted mean) instead of keeping them
   */
  public void open(String training, int round, String baseVersion, Set<String> participants, float[] global, boolean streaming) {
    SeenKeys s = seen.computeIfAbsent(training, k -> new SeenKeys());
    synchronized (s) {
      s.keepFrom(round);
    }
    open.compute(training, (k, previous) -> {
      if (previous == null || previous.round != round || !previous.baseVersion.equals(baseVersion)) {
        return new OpenRound(round, baseVersion, participants, new RoundUpdates(global, streaming));
      }
      synchronized (previous) { // the same model: the same round goes on, its updates, mean and refusals with it
        Set<String> all = new HashSet<>(previous.participants);
        all.addAll(participants);
        previous.participants = Set.copyOf(all);
        previous.sealed = false;
        return previous;
      }
    });
  }

  /** Drops the open round without aggregating it. */
  public void close(String training) {
    open.remove(training);
  }

  /** The open {@code round} takes no more updates (it is being closed); false when it is not open. */
  public boolean seal(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round) {
      return false;
    }
    synchronized (r) {
      r.sealed = true;
    }
    return true;
  }

  /**
   * Closes the open {@code round} and hands over its updates for aggregation, a stale running mean
   * rebuilt from the durable inbox first; empty when that round is not open.
   */
  public java.util.Optional<RoundUpdates.Cohort> take(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round || !open.remove(training, r)) {
      return java.util.Optional.empty();
    }
    synchronized (r) {
      r.sealed = true;
      int parameters = r.updates.parameters();
      return java.util.Optional.of(r.updates.cohort(site -> durable.loadOne(training, round, site, parameters, r.baseVersion)
          .map(AcceptedUpdateStore.Stored::update)));
    }
  }

  /** The buffer of a BufferedAsync training, made on first use at {@code round}. */
  public UpdateBuffer openBuffer(String training, String uid, String name, int maxStaleness, int round) {
    return buffers.computeIfAbsent(training, k -> new UpdateBuffer(uid, name, maxStaleness, round));
  }

  public java.util.Optional<UpdateBuffer> buffer(String training) {
    return java.util.Optional.ofNullable(buffers.get(training));
  }

  /** The fold took these buffered updates into a checkpoint: their files go. */
  public void removeFolded(String training, List<UpdateBuffer.Entry> folded) {
    folded.forEach(e -> durable.remove(training, e.round(), e.update().site()));
  }

  /**
   * True when {@code site} was selected for the open {@code round} of {@code training}, or already
   * delivered to it; false once its update for the round was refused (it is not read again).
   */
  public boolean expects(String training, int round, String site) {
    UpdateBuffer b = buffers.get(training);
    if (b != null) {
      return b.unexpected(site, round).isEmpty();
    }
    OpenRound r = open.get(training);
    if (r == null || r.round != round || !r.participants.contains(site)) {
      return false;
    }
    synchronized (r) {
      return !r.refused.containsKey(site);
    }
  }

  /**
   * Records that {@code site}'s update for the open {@code round} was refused at admission. Only a
   * selected site of the open round that has not delivered is recorded, once: false for anything
   * else, so a stranger cannot write into the record nor undo a delivered update.
   */
  public boolean refuse(String training, int round, String site, String reason) {
    return refuse(training, round, site, reason, false);
  }

  /** Refuses an update the inbox accepted (the norm bound, at the round's close), dropping it. */
  public boolean refuseAccepted(String training, int round, String site, String reason) {
    return refuse(training, round, site, reason, true);
  }

  private boolean refuse(String training, int round, String site, String reason, boolean dropAccepted) {
    UpdateBuffer b = buffers.get(training);
    if (b != null) {
      boolean recorded = b.refuse(site, round, reason, dropAccepted);
      if (recorded && !dropAccepted) {
        listeners.forEach(l -> l.accept(training)); // the site is free for the newest version
      }
      return recorded;
    }
    OpenRound r = open.get(training);
    if (r == null || r.round != round || !r.participants.contains(site)) {
      return false;
    }
    synchronized (r) {
      // a sealed round is being closed: only the norm bound still refuses what it had accepted
      if (r.refused.containsKey(site) || (!dropAccepted && (r.sealed || r.updates.contains(site)))) {
        return false;
      }
      r.refused.put(site, printable(reason));
      r.updates.drop(site);
    }
    listeners.forEach(l -> l.accept(training)); // the round may now have heard from everyone
    return true;
  }

  /** Longest refusal reason kept: a reason may quote a header field the peer chose. */
  static final int MAX_REASON = 300;

  /** The reason as status and Events may carry it: printable characters only, at most {@link #MAX_REASON}. */
  static String printable(String reason) {
    StringBuilder b = new StringBuilder(Math.min(reason.length(), MAX_REASON + 1));
    for (int i = 0; i < reason.length() && b.length() < MAX_REASON; i++) {
      char c = reason.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return reason.length() > MAX_REASON ? b.append("...").toString() : b.toString();
  }

  /** Refused updates of the open round, by site (a sorted copy). */
  public Map<String, String> refusals(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round) {
      return Map.of();
    }
    synchronized (r) {
      return new java.util.TreeMap<>(r.refused);
    }
  }

  /** True when the update with this key was accepted before (a resend is acknowledged, not read). */
  public boolean seen(String training, String idempotencyKey) {
    UpdateBuffer b = buffers.get(training);
    if (b != null) {
      return b.seen(idempotencyKey);
    }
    SeenKeys s = seen.get(training);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      return s.contains(idempotencyKey);
    }
  }

  /** This process lets go of a training (it stops or no longer runs it here): the persisted updates stay for the next run. */
  public void forget(String training) {
    open.remove(training);
    buffers.remove(training);
    seen.remove(training);
  }

  /** The training ended or was deleted: nothing of it is kept, in memory or on disk. */
  public void discard(String training) {
    forget(training);
    durable.removeAll(training);
  }

  /** The updates persisted for {@code round} that were trained from {@code baseVersion} (a restarted operator resumes with them). */
  public List<AcceptedUpdateStore.Stored> persisted(String training, int round, int parameters, String baseVersion) {
    return durable.load(training, round, parameters, baseVersion);
  }

  /** The same, one at a time: what the caller does not keep of one is gone before the next is read. */
  public void persisted(String training, int round, int parameters, String baseVersion, Consumer<AcceptedUpdateStore.Stored> each) {
    durable.forEach(training, round, parameters, baseVersion, each);
  }

  /**
   * Puts the updates persisted for the open round back into it, read from disk one at a time, with
   * their keys, so the round counts them and a resend is a duplicate; returns the sites restored.
   * Only updates of the open round, its model version and its participants are taken, each once:
   * one whose key or site the round already holds is not folded again.
   */
  public Set<String> restore(String training, int round) {
    SeenKeys s = seen.get(training);
    OpenRound r = open.get(training);
    Set<String> restored = new HashSet<>();
    if (s == null || r == null || r.round != round) {
      return restored;
    }
    synchronized (s) {
      synchronized (r) {
        durable.forEach(training, round, r.updates.parameters(), r.baseVersion, u -> {
          String site = u.update().site();
          if (r.participants.contains(site) && !r.refused.containsKey(site) && !r.updates.contains(site)
              && !s.contains(u.idempotencyKey())) {
            r.updates.add(u.update());
            s.add(round, u.idempotencyKey());
            restored.add(site);
          }
        });
      }
    }
    return restored;
  }

  /** The checkpoint of {@code round} is written: its persisted updates (and any older) are no longer needed. */
  public void removePersisted(String training, int round) {
    durable.removeUpTo(training, round);
  }

  /** Trainings the inbox holds anything for (tests check that ended ones are forgotten). */
  public Set<String> trainings() {
    Set<String> all = new HashSet<>(open.keySet());
    all.addAll(buffers.keySet());
    all.addAll(seen.keySet());
    return all;
  }

  public Result offer(String training, int round, String idempotencyKey, ClientUpdate update) {
    return offer(training, round, idempotencyKey, update, () -> { });
  }

  /**
   * Offers an update; {@code onAccept} runs before listeners hear of it (withdrawing the assignment, say).
   * An accepted update is persisted first: when that fails, the offer throws {@link java.io.UncheckedIOException}
   * and the update is not taken (the sender tries again later).
   */
  public Result offer(String training, int round, String idempotencyKey, ClientUpdate update, Runnable onAccept) {
    UpdateBuffer b = buffers.get(training);
    if (b != null) {
      return offerBuffered(training, b, round, idempotencyKey, update, onAccept);
    }
    SeenKeys s = seen.get(training);
    if (s == null) { // a training with no round open since it started here, or one that ended: keep nothing of it
      return new Result(Outcome.REJECTED, "round " + round + " of " + training + " is not open");
    }
    synchronized (s) {
      if (s.contains(idempotencyKey)) {
        return new Result(Outcome.DUPLICATE, "already received " + idempotencyKey);
      }
      OpenRound r = open.get(training);
      if (r == null || r.round != round) {
        return new Result(Outcome.REJECTED, "round " + round + " of " + training + " is not open"
            + (r == null ? "" : " (open round: " + r.round + ")"));
      }
      synchronized (r) {
        if (r.sealed) {
          return new Result(Outcome.RETRY_LATER, "round " + round + " of " + training + " is closing; send the update again"
              + " shortly (a retried round takes it, a closed one refuses it)");
        }
        if (!r.participants.contains(update.site())) {
          return new Result(Outcome.REJECTED, update.site() + " was not selected for round " + round);
        }
        if (r.refused.containsKey(update.site())) {
          return new Result(Outcome.REJECTED, update.site() + "'s update for round " + round + " was refused: "
              + r.refused.get(update.site()));
        }
        if (r.updates.contains(update.site())) {
          return new Result(Outcome.DUPLICATE, "round " + round + " already holds the update of " + update.site());
        }
        if (update.weights().length != r.updates.parameters()) {
          return new Result(Outcome.REJECTED, "update has " + update.weights().length + " parameters, the round's model "
              + r.updates.parameters());
        }
        durable.save(training, round, idempotencyKey, r.baseVersion, update); // on disk before it counts and before the ack
        r.updates.add(update); // folded (or kept) now: the round holds no copy of the weights when streaming
      }
      s.add(round, idempotencyKey);
    }
    onAccept.run();
    listeners.forEach(l -> l.accept(training));
    return new Result(Outcome.ACCEPTED, "accepted");
  }

  private Result offerBuffered(String training, UpdateBuffer b, int round, String key, ClientUpdate update, Runnable onAccept) {
    synchronized (b) { // one site's check, save and take are one step: a fold cannot come between them
      if (b.seen(key)) {
        return new Result(Outcome.DUPLICATE, "already received " + key);
      }
      var why = b.unexpected(update.site(), round);
      if (why.isPresent()) {
        return new Result(Outcome.REJECTED, why.get());
      }
      durable.save(training, round, key, b.baseVersion(round), update); // on disk before it counts and before the ack
      b.accept(round, key, update);
    }
    onAccept.run();
    listeners.forEach(l -> l.accept(training));
    return new Result(Outcome.ACCEPTED, "accepted");
  }

  /** What the open round of a training holds of the updates received so far (by site). */
  public List<UpdateFacts> received(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round) {
      return List.of();
    }
    synchronized (r) {
      return r.updates.facts();
    }
  }

  /** Each received update's norm of its change from the round's global model, as measured on arrival (the norm bound's input). */
  public List<NormBound.Measured> norms(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round) {
      return List.of();
    }
    synchronized (r) {
      return r.updates.norms();
    }
  }

  public Set<String> receivedSites(String training, int round) {
    Set<String> sites = new HashSet<>();
    received(training, round).forEach(u -> sites.add(u.site()));
    return sites;
  }

  /** Sites the open round need not wait for: those that delivered and those whose update was refused. */
  public Set<String> settledSites(String training, int round) {
    Set<String> sites = receivedSites(training, round);
    sites.addAll(refusals(training, round).keySet());
    return sites;
  }
}
