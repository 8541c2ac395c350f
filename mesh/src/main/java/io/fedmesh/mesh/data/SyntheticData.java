package io.fedmesh.mesh.data;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.Dirichlet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The local mesh's built-in data set: {@code classes} Gaussian blobs in {@code features}
 * dimensions (class centres on a random simplex, unit noise), split non-IID across sites: each
 * site's class mix is drawn from a Dirichlet(alpha) distribution, so some sites see mostly one or
 * two classes, as real edge data does. Deterministic for a seed.
 */
public final class SyntheticData {
  public static final int FEATURES = 8;
  public static final int CLASSES = 3;
  public static final double ALPHA = 0.5;

  private final int features;
  private final int classes;
  private final float[][] centres;
  private final Random random;

  public SyntheticData(int features, int classes, long seed) {
    this(features, classes, seed, seed);
  }

  /** Class centres from {@code seed}, samples from {@code sampleSeed}: more data of the same problem. */
  public SyntheticData(int features, int classes, long seed, long sampleSeed) {
    this.features = features;
    this.classes = classes;
    this.random = new Random(seed);
    this.centres = new float[classes][features];
    for (int c = 0; c < classes; c++) {
      for (int f = 0; f < features; f++) {
        centres[c][f] = (float) (random.nextGaussian() * 1.6);
      }
    }
    if (sampleSeed != seed) {
      random.setSeed(sampleSeed);
    }
  }

  /** Per-site data sets with Dirichlet label skew. */
  public List<Dataset> sites(int sites, int samplesPerSite, double alpha) {
    List<Dataset> out = new ArrayList<>();
    for (int s = 0; s < sites; s++) {
      double[] mix = Dirichlet.draw(random, classes, alpha);
      out.add(sample(samplesPerSite, mix, Path.of("site-" + s + ".csv")));
    }
    return out;
  }

  /** A balanced held-out set. */
  public Dataset balanced(int rows, String name) {
    double[] mix = new double[classes];
    java.util.Arrays.fill(mix, 1.0 / classes);
    return sample(rows, mix, Path.of(name));
  }

  private Dataset sample(int rows, double[] mix, Path name) {
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
    return new Dataset(name, names, rows, features, x, y, classes);
  }

  private int pick(double[] mix) {
    double u = random.nextDouble();
    double acc = 0;
    for (int i = 0; i < mix.length; i++) {
      acc += mix[i];
      if (u < acc) {
        return i;
      }
    }
    return mix.length - 1;
  }
}
