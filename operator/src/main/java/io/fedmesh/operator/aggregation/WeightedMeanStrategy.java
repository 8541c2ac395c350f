package io.fedmesh.operator.aggregation;

import java.util.List;

/**
 * A strategy whose aggregate depends on the updates only through their sample-weighted mean
 * (FedAvg, FedProx, FedAdam): the mean can be folded as updates arrive ({@link RunningMean}), so
 * its round keeps one accumulator instead of every update. Median, TrimmedMean and Krum look at
 * every update and are not one.
 */
public interface WeightedMeanStrategy extends AggregationStrategy {
  /** The next global model from the round's starting model and the weighted mean of its updates. */
  float[] step(float[] global, float[] mean);

  @Override
  default float[] aggregate(float[] global, List<ClientUpdate> updates) {
    return step(global, FedAvgStrategy.weightedMean(global.length, updates));
  }
}
