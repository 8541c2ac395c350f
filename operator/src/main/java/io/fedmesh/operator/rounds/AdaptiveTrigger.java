package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides when a training asks HPC for more data (spec.adaptiveSimulation): {@code always} once
 * before the first round, {@code lowData} when the cohort holds fewer samples than minSamples,
 * {@code plateau} when the metric gained less than minDelta over the last {@code patience} rounds.
 * Never more than maxBursts. Returns why it fired, for the Event and the log.
 */
final class AdaptiveTrigger {
  private AdaptiveTrigger() {}

  /**
   * @param history rounds so far (oldest first)
   * @param higherIsBetter accuracy: true; mse: false
   * @param cohortSamples samples the last round trained on (0 before the first)
   * @param requested bursts already requested
   */
  static Optional<String> fire(AdaptiveSimulation a, List<RoundRecord> history, boolean higherIsBetter, long cohortSamples,
      int requested) {
    if (a == null || requested >= (a.maxBursts == null ? 1 : a.maxBursts)) {
      return Optional.empty();
    }
    AdaptiveSimulation.Trigger trigger = a.trigger == null ? AdaptiveSimulation.Trigger.PLATEAU : a.trigger;
    switch (trigger) {
      case ALWAYS:
        return requested == 0 ? Optional.of("trigger always: one burst at the start") : Optional.empty();
      case LOW_DATA:
        if (a.minSamples != null && !history.isEmpty() && cohortSamples < a.minSamples) {
          return Optional.of("trigger lowData: the last round trained on " + cohortSamples + " samples, fewer than minSamples "
              + a.minSamples);
        }
        return Optional.empty();
      case PLATEAU:
      default:
        int patience = a.patience == null ? 2 : a.patience;
        double minDelta = a.minDelta == null ? 0.005 : a.minDelta;
        List<Double> metrics = history.stream().map(r -> r.metric).filter(m -> m != null && Double.isFinite(m)).toList();
        if (metrics.size() < patience + 1) {
          return Optional.empty();
        }
        double before = metrics.get(metrics.size() - patience - 1);
        double best = before;
        for (double m : metrics.subList(metrics.size() - patience, metrics.size())) {
          best = higherIsBetter ? Math.max(best, m) : Math.min(best, m);
        }
        double gain = higherIsBetter ? best - before : before - best;
        if (gain < minDelta) {
          return Optional.of(String.format(Locale.ROOT, "trigger plateau: the metric gained %.4f over the last %d rounds,"
              + " less than minDelta %s", gain, patience, minDelta));
        }
        return Optional.empty();
    }
  }
}
