package io.fedmesh.operator.aggregation;

/**
 * The sample-weighted mean of updates folded in one at a time: {@code sum(n_i x_i) / sum(n_i)},
 * accumulated in double, so a round holds one accumulator of the model's length however many
 * updates it takes (FedAvg's {@link FedAvgStrategy#weightedMean} over a list holds them all). The
 * total of samples is only known at the end, so the division waits for {@link #mean()}.
 * Admission lets only updates with at least one sample in, so the equal-weights fallback of the
 * list form (every site reporting 0) cannot arise here and is refused. Not thread-safe: its round
 * folds under its own lock.
 */
public final class RunningMean {
  private final double[] sum;
  private long samples;
  private int count;

  public RunningMean(int length) {
    this.sum = new double[length];
  }

  /** Adds {@code samples x weights}; the weights are read once and not kept. */
  public void add(String site, float[] weights, long samples) {
    if (weights.length != sum.length) {
      throw new IllegalArgumentException("update from " + site + " has " + weights.length + " parameters, the model has " + sum.length);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("update from " + site + " weighs " + samples + " samples; a running mean needs at least 1");
    }
    double n = samples;
    for (int i = 0; i < sum.length; i++) {
      sum[i] += n * weights[i];
    }
    this.samples += samples;
    count++;
  }

  /** The weighted mean of what was added, as float weights. */
  public float[] mean() {
    if (count == 0) {
      throw new IllegalStateException("the running mean has no update: a round aggregates at least one");
    }
    double total = samples;
    float[] out = new float[sum.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (sum[i] / total);
    }
    return out;
  }

  public int count() {
    return count;
  }

  public long samples() {
    return samples;
  }

  public int length() {
    return sum.length;
  }
}
