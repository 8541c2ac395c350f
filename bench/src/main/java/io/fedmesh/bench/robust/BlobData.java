package io.fedmesh.bench.robust;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.Dirichlet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The robust benchmark's data: Gaussian class blobs, the same problem family as the local mesh's
 * built-in data (mesh's SyntheticData, which the bench module cannot depend on: mesh depends on
 * bench). Sites get a Dirichlet(alpha) class mix, so their updates differ as real edge data's do;
 * the held-out set is balanced. Deterministic for a seed.
 */
final class BlobData {
  private final int features;
  private final int classes;
  private final float[][] centres;
  private final Random random;

  BlobData(int features, int classes, long seed) {
    this.features = features;
    this.classes = classes;
    this.random = new Random(seed);
    this.centres = new float[classes][features];
    for (float[] c : centres) {
      for (int f = 0; f < features; f++) {
        c[f] = (float) (random.nextGaussian() * 1.2);
      }
    }
  }

  List<Dataset> sites(int sites, int rows, double alpha) {
    List<Dataset> out = new ArrayList<>();
    for (int s = 0; s < sites; s++) {
      out.add(sample(rows, Dirichlet.draw(random, classes, alpha)));
    }
    return out;
  }

  Dataset balanced(int rows) {
    double[] mix = new double[classes];
    Arrays.fill(mix, 1.0 / classes);
    return sample(rows, mix);
  }

  private Dataset sample(int rows, double[] mix) {
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      int c = pick(mix);
      y[r] = c;
      for (int f = 0; f < features; f++) {
        x[r * features + f] = (float) (centres[c][f] + random.nextGaussian());
      }
    }
    List<String> names = new ArrayList<>();
    for (int f = 0; f < features; f++) {
      names.add("x" + f);
    }
    return new Dataset(Path.of("robust-bench.csv"), names, rows, features, x, y, classes);
  }

  private int pick(double[] mix) {
    double u = random.nextDouble();
    for (int c = 0; c < mix.length; c++) {
      u -= mix[c];
      if (u <= 0) {
        return c;
      }
    }
    return mix.length - 1;
  }
}
