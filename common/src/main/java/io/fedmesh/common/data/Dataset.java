package io.fedmesh.common.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A numeric data set held in memory: features row-major in {@code x} (rows x features) and one
 * label per row in {@code y}. {@code classes} is the number of classes for classification (max
 * label + 1) and 0 for regression.
 *
 * @param featureNames the CSV columns; empty for images, whose {@code sampleShape} describes them
 * @param sampleShape the shape of one sample, e.g. {@code [features]} for CSV, {@code [1, 28, 28]}
 *     for a grey image, {@code [3, 32, 32]} for RGB (channels, height, width); its product is
 *     {@code features}
 * @param classNames the name of each class index where the data names them (an image folder's
 *     subfolders); otherwise empty
 */
public record Dataset(Path source, List<String> featureNames, int rows, int features, float[] x, float[] y, int classes,
    List<Integer> sampleShape, List<String> classNames) {

  public Dataset {
    featureNames = List.copyOf(featureNames);
    sampleShape = List.copyOf(sampleShape);
    classNames = List.copyOf(classNames);
    if (x.length != (long) rows * features || y.length != rows) {
      throw new IllegalArgumentException("inconsistent data set shape: rows=" + rows + " features=" + features);
    }
    long product = sampleShape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    if (sampleShape.isEmpty() || product != features) {
      throw new IllegalArgumentException("sample shape " + sampleShape + " does not hold " + features + " features");
    }
  }

  /** Tabular data: one sample is a vector of {@code features} values. */
  public Dataset(Path source, List<String> featureNames, int rows, int features, float[] x, float[] y, int classes) {
    this(source, featureNames, rows, features, x, y, classes, List.of(features), List.of());
  }

  /** Rows [from, to) as a new data set (shares nothing with this one); shape and class names are kept. */
  public Dataset slice(int from, int to) {
    float[] xs = Arrays.copyOfRange(x, from * features, to * features);
    float[] ys = Arrays.copyOfRange(y, from, to);
    return new Dataset(source, featureNames, to - from, features, xs, ys, classes, sampleShape, classNames);
  }

  /** The rows at {@code indices}, in that order, as a new data set with the same shape and class names. */
  public Dataset select(Path newSource, int[] indices) {
    float[] xs = new float[Math.multiplyExact(indices.length, features)];
    float[] ys = new float[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(x, indices[i] * features, xs, i * features, features);
      ys[i] = y[indices[i]];
    }
    return new Dataset(newSource, featureNames, indices.length, features, xs, ys, classes, sampleShape, classNames);
  }
}
