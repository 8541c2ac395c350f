package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.BufferedAsyncProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Pure functions from a BufferedAsync run's folds to its status: the staleness histogram, its percentiles and the pace. */
final class BufferedProgress {
  private BufferedProgress() {}

  /**
   * The progress after a fold of updates with these stalenesses, {@code versions} versions made
   * since {@code startedAt}; {@code previous} (may be null) carries the counts of the folds before.
   */
  static BufferedAsyncProgress afterFold(BufferedAsyncProgress previous, List<Integer> staleness, long staleRefused, int versions,
      Instant startedAt, Instant now) {
    BufferedAsyncProgress p = new BufferedAsyncProgress();
    List<Long> histogram = new ArrayList<>(previous == null || previous.stalenessHistogram == null ? List.of()
        : previous.stalenessHistogram);
    for (int s : staleness) {
      while (histogram.size() <= s) {
        histogram.add(0L);
      }
      histogram.set(s, histogram.get(s) + 1);
    }
    p.stalenessHistogram = histogram;
    p.foldedUpdates = histogram.stream().mapToLong(Long::longValue).sum();
    p.staleRefused = (previous == null || previous.staleRefused == null ? 0 : previous.staleRefused) + staleRefused;
    p.stalenessP50 = percentile(histogram, 0.5);
    p.stalenessP90 = percentile(histogram, 0.9);
    p.stalenessMax = histogram.isEmpty() ? null : histogram.size() - 1;
    double minutes = Duration.between(startedAt, now).toMillis() / 60000.0;
    p.versionsPerMinute = minutes > 0 ? TrainingStatuses.round4(versions / minutes) : null;
    return p;
  }

  /** The smallest staleness at or below which at least {@code q} of the folded updates lie; null with none. */
  static Integer percentile(List<Long> histogram, double q) {
    long total = histogram.stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return null;
    }
    long need = (long) Math.ceil(q * total);
    long seen = 0;
    for (int s = 0; s < histogram.size(); s++) {
      seen += histogram.get(s);
      if (seen >= Math.max(1, need)) {
        return s;
      }
    }
    return histogram.size() - 1;
  }

  /** The version's record fields of its own: each folded site's staleness and share. */
  static void describe(FederatedTrainingStatus.RoundRecord rec, List<String> sites, List<Integer> staleness, double[] shares) {
    Map<String, Integer> s = new TreeMap<>();
    Map<String, Double> w = new TreeMap<>();
    for (int k = 0; k < sites.size(); k++) {
      s.put(sites.get(k), staleness.get(k));
      w.put(sites.get(k), TrainingStatuses.round4(shares[k]));
    }
    rec.staleness = s;
    rec.foldWeights = w;
  }
}
