package io.fedmesh.operator.aggregation;

import java.util.List;

/**
 * FedAvg (McMahan et al.): the mean of the sites' weights, weighted by their sample counts.
 * Accumulates in double, streaming over each update once, so cost is linear in sites x params.
 */
public final class FedAvgStrategy implements WeightedMeanStrategy {
  /** Parameters per cache block (8K doubles = 64 KiB accumulator). */
  static final int BLOCK = 8192;

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    return weightedMean(global.length, updates);
  }

  /** FedAvg's next model is the mean itself. */
  @Override
  public float[] step(float[] global, float[] mean) {
    return mean;
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
    double[] weights = new double[updates.size()];
    for (int k = 0; k < weights.length; k++) {
      // equal weights when no site reported samples
      weights[k] = total > 0 ? (double) Math.max(0, updates.get(k).samples()) / total : 1.0 / updates.size();
    }
    // Blocked: each block of the accumulator stays in cache while every update streams through
    // it once, so memory traffic is ~ one read of each update, not a read-modify-write per update.
    float[] out = new float[length];
    double[] acc = new double[Math.min(BLOCK, length)];
    for (int start = 0; start < length; start += BLOCK) {
      int end = Math.min(length, start + BLOCK);
      java.util.Arrays.fill(acc, 0);
      int k = 0;
      // four updates per pass: a quarter of the accumulator traffic, and a loop the JIT vectorizes
      for (; k + 3 < weights.length; k += 4) {
        float[] x0 = updates.get(k).weights();
        float[] x1 = updates.get(k + 1).weights();
        float[] x2 = updates.get(k + 2).weights();
        float[] x3 = updates.get(k + 3).weights();
        double w0 = weights[k];
        double w1 = weights[k + 1];
        double w2 = weights[k + 2];
        double w3 = weights[k + 3];
        for (int i = start; i < end; i++) {
          acc[i - start] += w0 * x0[i] + w1 * x1[i] + w2 * x2[i] + w3 * x3[i];
        }
      }
      for (; k < weights.length; k++) {
        float[] x = updates.get(k).weights();
        double w = weights[k];
        for (int i = start; i < end; i++) {
          acc[i - start] += w * x[i];
        }
      }
      for (int i = start; i < end; i++) {
        out[i] = (float) acc[i - start];
      }
    }
    return out;
  }
}
