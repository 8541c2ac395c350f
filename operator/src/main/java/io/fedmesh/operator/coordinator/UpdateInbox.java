package io.fedmesh.operator.coordinator;

import io.fedmesh.operator.aggregation.ClientUpdate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Updates received for the open round of each training. The idempotency key
 * (training/round/site) is remembered for the whole training, so a resend is acknowledged but
 * never counted twice, even after its round closed.
 */
public final class UpdateInbox {
  /** What happened to an offered update. */
  public enum Outcome { ACCEPTED, DUPLICATE, REJECTED }

  /** Outcome plus a message for the agent. */
  public record Result(Outcome outcome, String message) {}

  private static final class OpenRound {
    final int round;
    final Set<String> participants;
    final Map<String, ClientUpdate> updates = new HashMap<>();

    OpenRound(int round, Set<String> participants) {
      this.round = round;
      this.participants = Set.copyOf(participants);
    }
  }

  private final Map<String, OpenRound> open = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> seenKeys = new ConcurrentHashMap<>();

  /**
   * Opens a round. Re-opening the same round (a retry after a missed quorum) keeps the updates
   * already received: they were trained from the same global model and stay valid.
   */
  public void open(String training, int round, Set<String> participants) {
    open.compute(training, (k, previous) -> {
      if (previous == null || previous.round != round) {
        return new OpenRound(round, participants);
      }
      Set<String> all = new java.util.HashSet<>(previous.participants);
      all.addAll(participants);
      OpenRound merged = new OpenRound(round, all);
      merged.updates.putAll(previous.updates);
      return merged;
    });
  }

  public void close(String training) {
    open.remove(training);
  }

  /** Closes the round only if it is {@code round} (a retry of it re-opens it with its updates). */
  public void closeIfNot(String training, int round) {
    open.computeIfPresent(training, (k, r) -> r.round == round ? r : null);
  }

  public void forget(String training) {
    open.remove(training);
    seenKeys.remove(training);
  }

  public Result offer(String training, int round, String idempotencyKey, ClientUpdate update) {
    Set<String> seen = seenKeys.computeIfAbsent(training, k -> ConcurrentHashMap.newKeySet());
    OpenRound r = open.get(training);
    synchronized (seen) {
      if (seen.contains(idempotencyKey)) {
        return new Result(Outcome.DUPLICATE, "already received " + idempotencyKey);
      }
      if (r == null || r.round != round) {
        return new Result(Outcome.REJECTED, "round " + round + " of " + training + " is not open"
            + (r == null ? "" : " (open round: " + r.round + ")"));
      }
      synchronized (r) {
        if (!r.participants.contains(update.site())) {
          return new Result(Outcome.REJECTED, update.site() + " was not selected for round " + round);
        }
        r.updates.put(update.site(), update);
      }
      seen.add(idempotencyKey);
      return new Result(Outcome.ACCEPTED, "accepted");
    }
  }

  /** Updates received so far for the open round of a training (a copy). */
  public List<ClientUpdate> received(String training, int round) {
    OpenRound r = open.get(training);
    if (r == null || r.round != round) {
      return List.of();
    }
    synchronized (r) {
      return List.copyOf(r.updates.values());
    }
  }

  public Set<String> receivedSites(String training, int round) {
    Set<String> sites = new HashSet<>();
    received(training, round).forEach(u -> sites.add(u.site()));
    return sites;
  }
}
