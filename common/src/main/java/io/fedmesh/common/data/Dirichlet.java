package io.fedmesh.common.data;

import java.util.random.RandomGenerator;

/**
 * Draws from a Dirichlet(alpha) distribution over {@code k} categories: normalised Gamma(alpha)
 * draws (Marsaglia-Tsang, with the boost for alpha below 1). The one sampler behind every
 * non-IID label mix (the built-in blobs, the Dirichlet split of a labelled set, the benchmarks).
 */
public final class Dirichlet {
  private Dirichlet() {}

  public static double[] draw(RandomGenerator random, int k, double alpha) {
    double[] g = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      g[i] = gamma(random, alpha);
      sum += g[i];
    }
    for (int i = 0; i < k; i++) {
      // tiny alphas can underflow every draw to 0: fall back to one class
      g[i] = sum > 0 ? g[i] / sum : (i == 0 ? 1 : 0);
    }
    return g;
  }

  private static double gamma(RandomGenerator random, double alpha) {
    if (alpha < 1) {
      return gamma(random, alpha + 1) * Math.pow(random.nextDouble(), 1 / alpha);
    }
    double d = alpha - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = Math.pow(1 + c * x, 3);
      if (v > 0 && Math.log(random.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
