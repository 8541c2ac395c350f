package io.fedmesh.operator.aggregation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;

/** Maps a FederatedTraining's strategy to its implementation. */
public final class Strategies {
  private Strategies() {}

  /**
   * FedProx aggregates like FedAvg on the server (its proximal term acts at the sites). FedAdam,
   * Krum and BufferedAsync are rejected by the validator until implemented, never silently mapped.
   */
  public static AggregationStrategy forSpec(FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.Strategy.Type type = strategy == null ? FederatedTrainingSpec.Strategy.Type.FedAvg : strategy.type;
    return switch (type) {
      case FedAvg, FedProx -> new FedAvgStrategy();
      case Median -> new MedianStrategy();
      case TrimmedMean -> new TrimmedMeanStrategy(strategy.trimFraction == null ? 0.1 : strategy.trimFraction);
      default -> throw new IllegalArgumentException("strategy " + type + " is not supported by this operator version");
    };
  }

  public static boolean supported(FederatedTrainingSpec.Strategy.Type type) {
    return switch (type) {
      case FedAvg, FedProx, Median, TrimmedMean -> true;
      default -> false;
    };
  }
}
