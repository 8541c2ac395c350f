package io.fedmesh.operator.aggregation;

import java.util.List;
import java.util.Optional;

/**
 * FedAdam (Reddi et al., "Adaptive Federated Optimization", ICLR 2021): the sample-weighted mean
 * of the sites' updates, taken as a pseudo-gradient, drives Adam on the server:
 * {@code d = mean - x; m = b1 m + (1-b1) d; v = b2 v + (1-b2) d^2; x += eta m / (sqrt(v) + tau)}.
 * No bias correction, as in the paper. The moments persist across rounds ({@link StatefulStrategy}).
 */
public final class FedAdamStrategy implements StatefulStrategy, WeightedMeanStrategy {
  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private float[] m;
  private float[] v;

  public FedAdamStrategy(double eta, double beta1, double beta2, double tau) {
    if (!(eta > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(tau > 0)) {
      throw new IllegalArgumentException("spec.strategy.fedAdam needs serverLearningRate > 0, beta1 and beta2 in [0, 1), tau > 0 (got "
          + eta + ", " + beta1 + ", " + beta2 + ", " + tau + ")");
    }
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    return step(global, FedAvgStrategy.weightedMean(global.length, updates));
  }

  /** Adam on the server, the mean's distance from {@code global} as the pseudo-gradient. */
  @Override
  public synchronized float[] step(float[] global, float[] mean) {
    if (mean.length != global.length) {
      throw new IllegalArgumentException("the mean has " + mean.length + " parameters, the model has " + global.length);
    }
    if (m == null || m.length != global.length) {
      m = new float[global.length];
      v = new float[global.length];
    }
    float[] out = new float[global.length];
    for (int i = 0; i < out.length; i++) {
      double d = (double) mean[i] - global[i];
      double mi = beta1 * m[i] + (1 - beta1) * d;
      double vi = beta2 * v[i] + (1 - beta2) * d * d;
      m[i] = (float) mi;
      v[i] = (float) vi;
      out[i] = (float) (global[i] + eta * mi / (Math.sqrt(vi) + tau));
    }
    return out;
  }

  /** First moments then second moments, one float each per parameter. */
  @Override
  public synchronized Optional<float[]> state() {
    if (m == null) {
      return Optional.empty();
    }
    float[] s = new float[2 * m.length];
    System.arraycopy(m, 0, s, 0, m.length);
    System.arraycopy(v, 0, s, m.length, v.length);
    return Optional.of(s);
  }

  @Override
  public synchronized void restore(float[] state, int parameters) {
    if (state.length != 2L * parameters) {
      throw new IllegalArgumentException("FedAdam state has " + state.length + " values but a model of " + parameters
          + " parameters needs " + 2L * parameters + " (first and second moments)");
    }
    for (float x : state) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("FedAdam state holds a non-finite moment: the checkpoint is damaged");
      }
    }
    m = java.util.Arrays.copyOfRange(state, 0, parameters);
    v = java.util.Arrays.copyOfRange(state, parameters, 2 * parameters);
  }
}
