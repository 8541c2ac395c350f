package io.fedmesh.edge;

import io.fedmesh.common.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Test data: three well separated Gaussian blobs in 4-D, classes 0..2 in turn. */
public final class Blobs {
  private Blobs() {}

  public static Dataset of(int rows, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * 4];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = i % 3;
      y[i] = c;
      for (int f = 0; f < 4; f++) {
        x[i * 4 + f] = (float) ((f == c ? 3 : 0) + r.nextGaussian() * 0.7);
      }
    }
    return new Dataset(Path.of("blobs"), List.of("a", "b", "c", "d"), rows, 4, x, y, 3);
  }
}
