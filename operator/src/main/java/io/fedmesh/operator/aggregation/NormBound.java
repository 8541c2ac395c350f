package io.fedmesh.operator.aggregation;

import io.fedmesh.api.v1alpha1.TrainingDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Refuses, before aggregation, an update whose difference from the round's global model has an
 * L2 norm above a bound: a fixed one (spec.strategy.maxUpdateNorm), or automatically
 * {@value TrainingDefaults#NORM_BOUND_FACTOR} x the median norm of the round's updates. A boosted
 * update (a site scaling its change to drag the average) is refused whatever the strategy; the
 * median cannot be moved by a minority. A norm needs only the update and the global model, one
 * pass each, so the check streams and holds no second copy of any update.
 */
public final class NormBound {
  /** What the bound kept and refused, and the bound it applied (infinite: it kept all). */
  public record Screened(List<ClientUpdate> kept, List<Refused> refused, double bound) {}

  /** A refused update's site and the reason, naming the norm, the bound and the field. */
  public record Refused(String site, String reason) {}

  private NormBound() {}

  /** L2 norm of {@code weights - global}, accumulated in double. */
  public static double deltaNorm(float[] global, float[] weights) {
    if (weights.length != global.length) {
      throw new IllegalArgumentException("update has " + weights.length + " parameters, the model has " + global.length);
    }
    double sum = 0;
    for (int i = 0; i < global.length; i++) {
      double d = (double) weights[i] - global[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /** One update's site and the L2 norm of its change from the round's global model. */
  public record Measured(String site, double norm) {}

  /** What the bound kept (by site, in the order given) and refused, and the bound it applied (infinite: it kept all). */
  public record Verdict(List<String> kept, List<Refused> refused, double bound) {}

  /**
   * @param maxUpdateNorm the fixed bound; null or 0 for the automatic one
   */
  public static Screened screen(float[] global, List<ClientUpdate> updates, Double maxUpdateNorm) {
    List<Measured> measured = new ArrayList<>(updates.size());
    for (ClientUpdate u : updates) {
      measured.add(new Measured(u.site(), deltaNorm(global, u.weights())));
    }
    Verdict v = judge(measured, maxUpdateNorm);
    java.util.Set<String> kept = new java.util.HashSet<>(v.kept());
    return new Screened(updates.stream().filter(u -> kept.contains(u.site())).toList(), v.refused(), v.bound());
  }

  /**
   * The bound on norms measured as the updates arrived (a streaming round keeps no weights to
   * measure at its close); the same decision as {@link #screen}.
   *
   * @param maxUpdateNorm the fixed bound; null or 0 for the automatic one
   */
  public static Verdict judge(List<Measured> measured, Double maxUpdateNorm) {
    double[] norms = new double[measured.size()];
    for (int k = 0; k < norms.length; k++) {
      norms[k] = measured.get(k).norm();
    }
    boolean fixed = maxUpdateNorm != null && maxUpdateNorm > 0;
    double bound;
    String basis;
    if (fixed) {
      bound = maxUpdateNorm;
      basis = "spec.strategy.maxUpdateNorm";
    } else if (measured.size() < TrainingDefaults.NORM_BOUND_MIN_UPDATES) {
      return new Verdict(measured.stream().map(Measured::site).toList(), List.of(), Double.POSITIVE_INFINITY);
    } else {
      double median = median(norms);
      bound = TrainingDefaults.NORM_BOUND_FACTOR * median;
      basis = "the automatic bound, " + TrainingDefaults.NORM_BOUND_FACTOR_TEXT + " x the round's median " + fmt(median)
          + " (set spec.strategy.maxUpdateNorm for a fixed one)";
    }
    List<String> kept = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    for (int k = 0; k < norms.length; k++) {
      String site = measured.get(k).site();
      if (norms[k] > bound) {
        refused.add(new Refused(site, "update norm " + fmt(norms[k]) + " (L2 distance from the round's global model)"
            + " is above " + fmt(bound) + ", " + basis));
      } else {
        kept.add(site);
      }
    }
    return new Verdict(kept, refused, bound);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }
}
