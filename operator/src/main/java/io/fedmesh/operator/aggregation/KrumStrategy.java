package io.fedmesh.operator.aggregation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Krum and Multi-Krum (Blanchard et al., NeurIPS 2017). Each update is scored by the summed squared
 * distances to its n-f-2 nearest others; the m best-scored updates are averaged (m = 1 is Krum).
 * With at most f Byzantine updates among n > 2f+2, an honest update always scores better than an
 * outlier, so the choice lands in the honest cluster whatever the outliers send.
 */
public final class KrumStrategy implements AggregationStrategy {
  private final int byzantine;
  private final int select;

  public KrumStrategy(int byzantine, int select) {
    if (byzantine < 0) {
      throw new IllegalArgumentException("spec.strategy.krum.byzantine must be >= 0 (got " + byzantine + ")");
    }
    if (select < 1) {
      throw new IllegalArgumentException("spec.strategy.krum.select must be >= 1 (got " + select + ")");
    }
    this.byzantine = byzantine;
    this.select = select;
  }

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    List<ClientUpdate> chosen = selected(updates);
    float[] out = new float[global.length];
    for (ClientUpdate u : chosen) {
      float[] w = u.weights();
      for (int i = 0; i < out.length; i++) {
        out[i] += w[i];
      }
    }
    // a plain mean: a sample count is the sender's claim, Krum trusts only the geometry
    for (int i = 0; i < out.length; i++) {
      out[i] /= chosen.size();
    }
    return out;
  }

  /**
   * The updates Multi-Krum averages, best first. A round that ended with n <= 2f+2 updates (refusals,
   * missed deadlines) still aggregates: it scores against the n-f-2 neighbours it has (at least one)
   * and averages at most n-f, rather than failing the training over a short round.
   */
  public List<ClientUpdate> selected(List<ClientUpdate> updates) {
    int n = updates.size();
    if (n == 0) {
      throw new IllegalArgumentException("Krum needs at least one update");
    }
    if (n == 1) {
      return List.copyOf(updates);
    }
    double[][] d = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        d[a][b] = d[b][a] = squaredDistance(updates.get(a).weights(), updates.get(b).weights());
      }
    }
    int neighbours = Math.max(1, Math.min(n - 1, n - byzantine - 2));
    double[] score = new double[n];
    for (int a = 0; a < n; a++) {
      double[] row = new double[n - 1];
      int k = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) {
          row[k++] = d[a][b];
        }
      }
      java.util.Arrays.sort(row);
      for (int j = 0; j < neighbours; j++) {
        score[a] += row[j];
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      order.add(a);
    }
    // ties broken by site name, so the same round always chooses the same updates
    order.sort(Comparator.<Integer>comparingDouble(a -> score[a]).thenComparing(a -> updates.get(a).site()));
    int m = Math.max(1, Math.min(select, n - byzantine));
    List<ClientUpdate> out = new ArrayList<>(m);
    for (int j = 0; j < m; j++) {
      out.add(updates.get(order.get(j)));
    }
    return out;
  }

  static double squaredDistance(float[] x, float[] y) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double diff = (double) x[i] - y[i];
      sum += diff * diff;
    }
    return sum;
  }
}
