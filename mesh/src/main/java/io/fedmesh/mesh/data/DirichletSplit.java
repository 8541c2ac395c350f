package io.fedmesh.mesh.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.fedmesh.common.data.Dirichlet;
import java.util.SplittableRandom;

/**
 * Splits a labelled set over sites non-IID, as federated benchmarks do: each site draws its label
 * distribution from Dirichlet(alpha) over the classes, and each class's samples go to the sites in
 * proportion to how much of that class they want. Small alpha (0.1) gives sites dominated by one
 * or two classes; large alpha (100) gives every site nearly the global mix. Every sample goes to
 * exactly one site, no site is empty, and the same seed gives the same split.
 */
public final class DirichletSplit {
  /** The concentration fedmesh uses unless told otherwise (--alpha). */
  public static final double DEFAULT_ALPHA = 0.5;

  private final double alpha;
  private final long seed;

  public DirichletSplit(double alpha, long seed) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("the Dirichlet alpha must be a positive number (got " + alpha + ")");
    }
    this.alpha = alpha;
    this.seed = seed;
  }

  /**
   * The sample indices of each site, each site's in shuffled order.
   *
   * @param labels the class index of each sample, 0 to {@code classes - 1}
   */
  public int[][] split(int[] labels, int classes, int sites) {
    if (sites < 1 || sites > labels.length) {
      throw new IllegalArgumentException(labels.length + " samples cannot be split over " + sites + " sites (each needs one)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[][] want = new double[sites][];
    for (int s = 0; s < sites; s++) {
      want[s] = Dirichlet.draw(random, classes, alpha);
    }
    List<List<Integer>> bySite = new ArrayList<>();
    for (int s = 0; s < sites; s++) {
      bySite.add(new ArrayList<>());
    }
    for (int c = 0; c < classes; c++) {
      int[] members = shuffled(random, ofClass(labels, c));
      int[] counts = apportion(members.length, column(want, c));
      int at = 0;
      for (int s = 0; s < sites; s++) {
        for (int i = 0; i < counts[s]; i++) {
          bySite.get(s).add(members[at++]);
        }
      }
    }
    fillEmptySites(bySite, labels);
    int[][] out = new int[sites][];
    for (int s = 0; s < sites; s++) {
      out[s] = shuffled(random, bySite.get(s).stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  /** A site that wanted none of what there was gets one sample from the largest site (deterministically its last). */
  private static void fillEmptySites(List<List<Integer>> bySite, int[] labels) {
    for (List<Integer> site : bySite) {
      if (site.isEmpty()) {
        List<Integer> largest = bySite.stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
        site.add(largest.remove(largest.size() - 1));
      }
    }
  }

  /** Splits {@code n} into integer parts proportional to {@code weights} (largest remainders), summing to n. */
  static int[] apportion(int n, double[] weights) {
    double total = Arrays.stream(weights).sum();
    if (!(total > 0)) {
      // nobody wants this class (tiny alpha): share it evenly rather than drop it
      weights = new double[weights.length];
      Arrays.fill(weights, 1);
      total = weights.length;
    }
    int[] counts = new int[weights.length];
    double[] remainder = new double[weights.length];
    int given = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = n * weights[i] / total;
      counts[i] = (int) Math.floor(exact);
      remainder[i] = exact - counts[i];
      given += counts[i];
    }
    while (given < n) {
      int best = 0;
      for (int i = 1; i < weights.length; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      counts[best]++;
      remainder[best] = -1;
      given++;
    }
    return counts;
  }

  private static double[] column(double[][] rows, int c) {
    double[] col = new double[rows.length];
    for (int s = 0; s < rows.length; s++) {
      col[s] = rows[s][c];
    }
    return col;
  }

  private static int[] ofClass(int[] labels, int c) {
    return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
  }

  private static int[] shuffled(SplittableRandom random, int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
