package io.fedmesh.common.data;

/** Summary figures of a data set's labels. */
public final class LabelStats {
  private LabelStats() {}

  /** The population variance: the MSE of always predicting the mean, what R^2 compares a regression against. */
  public static double variance(float[] y) {
    double mean = 0;
    for (float v : y) {
      mean += v;
    }
    mean /= Math.max(1, y.length);
    double var = 0;
    for (float v : y) {
      var += (v - mean) * (v - mean);
    }
    return var / Math.max(1, y.length);
  }
}
