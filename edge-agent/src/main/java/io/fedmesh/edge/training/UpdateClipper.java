package io.fedmesh.edge.training;

import java.util.Random;

/** Clips an update (local - global) to an L2 norm and adds Gaussian noise (DP-FedAvg style). */
public final class UpdateClipper {
  private UpdateClipper() {}

  /** Rewrites {@code weights} in place to global + clipped(weights - global) + noise. */
  public static void clipAndNoise(float[] weights, float[] global, double clipNorm, double noiseMultiplier, Random random) {
    double norm = 0;
    for (int i = 0; i < weights.length; i++) {
      double d = weights[i] - global[i];
      norm += d * d;
    }
    norm = Math.sqrt(norm);
    double scale = norm > clipNorm ? clipNorm / norm : 1.0;
    double sigma = noiseMultiplier * clipNorm;
    for (int i = 0; i < weights.length; i++) {
      double d = (weights[i] - global[i]) * scale;
      if (sigma > 0) {
        d += random.nextGaussian() * sigma;
      }
      weights[i] = (float) (global[i] + d);
    }
  }
}
