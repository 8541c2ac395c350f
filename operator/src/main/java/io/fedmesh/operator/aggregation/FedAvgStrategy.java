package io.fedmesh.operator.aggregation;

import java.util.List;

/**
 * FedAvg (McMahan et al.): the mean of the sites' weights, weighted by their sample counts.
 * Accumulates in double, streaming over each update once, so cost is linear in sites x params.
 */
public final class FedAvgStrategy implements AggregationStrategy {

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    return weightedMean(global.length, updates);
  }

  public static float[] weightedMean(int length, List<ClientUpdate> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("FedAvg needs at least one update");
    }
    long total = 0;
    for (ClientUpdate u : updates) {
      if (u.weights().length != length) {
        throw new IllegalArgumentException("update from " + u.site() + " has " + u.weights().length
            + " parameters, the model has " + length);
      }
      total += Math.max(0, u.samples());
    }
    double[] acc = new double[length];
    for (ClientUpdate u : updates) {
      // equal weights when no site reported samples
      double w = total > 0 ? (double) Math.max(0, u.samples()) / total : 1.0 / updates.size();
      float[] x = u.weights();
      for (int i = 0; i < length; i++) {
        acc[i] += w * x[i];
      }
    }
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      out[i] = (float) acc[i];
    }
    return out;
  }
}
