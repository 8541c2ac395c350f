package io.fedmesh.common.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A numeric data set held in memory: features row-major in {@code x} (rows x features) and one
 * label per row in {@code y}. {@code classes} is the number of classes for classification (max
 * label + 1) and 0 for regression.
 */
public record Dataset(Path source, List<String> featureNames, int rows, int features, float[] x, float[] y, int classes) {

  public Dataset {
    featureNames = List.copyOf(featureNames);
    if (x.length != (long) rows * features || y.length != rows) {
      throw new IllegalArgumentException("inconsistent data set shape: rows=" + rows + " features=" + features);
    }
  }

  /** Rows [from, to) as a new data set (shares nothing with this one). */
  public Dataset slice(int from, int to) {
    float[] xs = java.util.Arrays.copyOfRange(x, from * features, to * features);
    float[] ys = java.util.Arrays.copyOfRange(y, from, to);
    return new Dataset(source, featureNames, to - from, features, xs, ys, classes);
  }
}
