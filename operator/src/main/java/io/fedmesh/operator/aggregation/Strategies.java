package io.fedmesh.operator.aggregation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;

/** Maps a FederatedTraining's strategy to its implementation. */
public final class Strategies {
  private Strategies() {}

  /**
   * FedProx aggregates like FedAvg on the server (its proximal term acts at the sites). The CRD's
   * enum lists exactly these types.
   */
  public static AggregationStrategy forSpec(FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.Strategy.Type type = strategy == null ? FederatedTrainingSpec.Strategy.Type.FedAvg : strategy.type;
    return switch (type) {
      case FedAvg, FedProx -> new FedAvgStrategy();
      case Median -> new MedianStrategy();
      case TrimmedMean -> new TrimmedMeanStrategy(strategy.trimFraction == null ? 0.1 : strategy.trimFraction);
    };
  }

}
