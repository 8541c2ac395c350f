package io.fedmesh.operator.aggregation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;

/** Maps a FederatedTraining's strategy to its implementation; absent fields take {@link TrainingDefaults}. */
public final class Strategies {
  private Strategies() {}

  /**
   * A new instance per run: FedAdam keeps its moments in it. FedProx aggregates like FedAvg on the
   * server (its proximal term acts at the sites). The CRD's enum lists exactly these types.
   */
  public static AggregationStrategy forSpec(FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.Strategy.Type type = strategy == null || strategy.type == null ? FederatedTrainingSpec.Strategy.Type.FedAvg
        : strategy.type;
    return switch (type) {
      // BufferedAsync: the mean of the updates BufferedFold rebased on the newest model
      case FedAvg, FedProx, BufferedAsync -> new FedAvgStrategy();
      case Median -> new MedianStrategy();
      case TrimmedMean -> new TrimmedMeanStrategy(strategy.trimFraction == null ? 0.1 : strategy.trimFraction);
      case Krum -> new KrumStrategy(krumByzantine(strategy), krumSelect(strategy));
      case FedAdam -> fedAdam(strategy.fedAdam);
    };
  }

  /**
   * Whether a synchronous round of this strategy folds its updates into a running mean as they
   * arrive (FedAvg, FedProx, FedAdam: their {@link WeightedMeanStrategy}) instead of keeping every
   * one: Median, TrimmedMean and Krum need them all, and BufferedAsync's buffer keeps its updates
   * to rebase them.
   */
  public static boolean streams(FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.Strategy.Type type = strategy == null || strategy.type == null ? FederatedTrainingSpec.Strategy.Type.FedAvg
        : strategy.type;
    return switch (type) {
      case FedAvg, FedProx, FedAdam -> true;
      case Median, TrimmedMean, Krum, BufferedAsync -> false;
    };
  }

  public static int krumByzantine(FederatedTrainingSpec.Strategy s) {
    return s == null || s.krum == null || s.krum.byzantine == null ? TrainingDefaults.KRUM_BYZANTINE : s.krum.byzantine;
  }

  public static int krumSelect(FederatedTrainingSpec.Strategy s) {
    return s == null || s.krum == null || s.krum.select == null ? TrainingDefaults.KRUM_SELECT : s.krum.select;
  }

  private static FedAdamStrategy fedAdam(FederatedTrainingSpec.FedAdam a) {
    FederatedTrainingSpec.FedAdam d = a == null ? new FederatedTrainingSpec.FedAdam() : a;
    return new FedAdamStrategy(or(d.serverLearningRate, TrainingDefaults.FEDADAM_LEARNING_RATE), or(d.beta1, TrainingDefaults.FEDADAM_BETA1),
        or(d.beta2, TrainingDefaults.FEDADAM_BETA2), or(d.tau, TrainingDefaults.FEDADAM_TAU));
  }

  private static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }
}
