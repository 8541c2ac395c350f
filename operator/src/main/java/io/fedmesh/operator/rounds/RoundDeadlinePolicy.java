package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The deadline of the next round: the initial value until rounds were observed, then (when
 * adaptive) three times the median of recent round times, clamped to [min, max].
 */
public final class RoundDeadlinePolicy {
  static final int WINDOW = 5;
  static final double FACTOR = 3.0;

  public static double nextDeadlineSeconds(FederatedTrainingSpec.RoundDeadline spec, List<Double> recentRoundSeconds) {
    double initial = spec == null || spec.initialSeconds == null ? 120 : spec.initialSeconds;
    boolean adaptive = spec == null || spec.adaptive == null || spec.adaptive;
    if (!adaptive || recentRoundSeconds.isEmpty()) {
      return initial;
    }
    List<Double> window = new ArrayList<>(recentRoundSeconds.subList(Math.max(0, recentRoundSeconds.size() - WINDOW),
        recentRoundSeconds.size()));
    window.sort(Double::compare);
    int n = window.size();
    double median = n % 2 == 1 ? window.get(n / 2) : (window.get(n / 2 - 1) + window.get(n / 2)) / 2;
    double deadline = FACTOR * median;
    double min = spec.minSeconds == null ? 5 : spec.minSeconds;
    double max = spec.maxSeconds == null ? Math.max(initial, min) : spec.maxSeconds;
    return Math.max(min, Math.min(max, deadline));
  }

  private RoundDeadlinePolicy() {}
}
