package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One training's quarantine of sites whose updates it refused in consecutive rounds: such a site is
 * not selected for a number of the training's rounds, or (0 rounds) until its EdgeSite spec changes
 * (metadata.generation moves: an admin re-admitted it, e.g. cordoned and uncordoned it). An
 * accepted update resets the count. The quarantines are kept in the training's status and the
 * counts follow from its round history, so a restarted operator builds the same state again
 * ({@link #restore}).
 */
final class SiteQuarantine {
  /** A quarantine: why, and the first round that may select the site again (null: until re-admitted at a newer generation). */
  record Entry(String site, String reason, Integer untilRound, Long generation) {}

  private final Map<String, Integer> consecutive = new HashMap<>();
  private final Map<String, Entry> held = new HashMap<>();

  /**
   * Counts a closed round: sites refused in it move towards quarantine, sites that delivered start
   * again from zero. Returns the sites quarantined by this round.
   */
  synchronized List<Entry> afterRound(int round, Map<String, String> refused, Set<String> delivered, int after, int rounds,
      Function<String, Long> generationOf) {
    delivered.forEach(consecutive::remove);
    List<Entry> added = new ArrayList<>();
    for (Map.Entry<String, String> r : refused.entrySet()) {
      int count = consecutive.merge(r.getKey(), 1, Integer::sum);
      if (count >= after && !held.containsKey(r.getKey())) {
        Entry e = new Entry(r.getKey(), "updates refused in " + count + " consecutive rounds (spec.participants.quarantineAfter " + after
            + "), last in round " + round + ": " + r.getValue(), rounds > 0 ? round + rounds + 1 : null, generationOf.apply(r.getKey()));
        held.put(r.getKey(), e);
        consecutive.remove(r.getKey());
        added.add(e);
      }
    }
    return added;
  }

  /** Lifts the quarantines that have ended by {@code round} (or whose EdgeSite moved on); returns the released sites. */
  synchronized List<String> release(int round, Function<String, Long> generationOf) {
    List<String> released = new ArrayList<>();
    held.values().removeIf(e -> {
      boolean over = e.untilRound() != null ? round >= e.untilRound() : readmitted(e, generationOf.apply(e.site()));
      if (over) {
        released.add(e.site());
      }
      return over;
    });
    return released;
  }

  /** The quarantines as the training's status keeps them (null when none, so the field stays out). */
  synchronized List<FederatedTrainingStatus.QuarantinedSite> toStatus() {
    if (held.isEmpty()) {
      return null;
    }
    List<FederatedTrainingStatus.QuarantinedSite> out = new ArrayList<>();
    new java.util.TreeMap<>(held).values().forEach(e -> {
      FederatedTrainingStatus.QuarantinedSite q = new FederatedTrainingStatus.QuarantinedSite();
      q.site = e.site();
      q.reason = e.reason();
      q.untilRound = e.untilRound();
      q.edgeSiteGeneration = e.generation();
      out.add(q);
    });
    return out;
  }

  /**
   * The state a previous operator left: its quarantines from status, and each site's count of
   * consecutive refused rounds from the history (newest first, up to a round it delivered in).
   */
  synchronized void restore(FederatedTrainingStatus st) {
    if (st == null) {
      return;
    }
    if (st.quarantined != null) {
      for (FederatedTrainingStatus.QuarantinedSite q : st.quarantined) {
        if (q.site != null) {
          held.put(q.site, new Entry(q.site, q.reason, q.untilRound, q.edgeSiteGeneration));
        }
      }
    }
    if (st.history == null) {
      return;
    }
    Set<String> settled = new java.util.HashSet<>(held.keySet());
    for (int i = st.history.size() - 1; i >= 0; i--) {
      FederatedTrainingStatus.RoundRecord h = st.history.get(i);
      if (h.refused != null) {
        for (FederatedTrainingStatus.Refusal r : h.refused) {
          if (r.site != null && !settled.contains(r.site)) {
            consecutive.merge(r.site, 1, Integer::sum);
          }
        }
      }
      if (h.participants != null) {
        settled.addAll(h.participants); // delivered here: older refusals do not count
      }
    }
  }

  synchronized boolean holds(String site) {
    return held.containsKey(site);
  }

  private static boolean readmitted(Entry e, Long generation) {
    return generation != null && e.generation() != null && generation > e.generation();
  }
}
