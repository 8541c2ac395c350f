package io.fedmesh.operator.privacy;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.PrivacyRounds;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.PrivacySpent;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A training's privacy ledger: each completed round is one run of the sampled Gaussian mechanism
 * at site level (a site's whole update is clipped to clipNorm and noised with stddev
 * noiseMultiplier × clipNorm, so σ = noiseMultiplier; the site takes part with probability
 * q = selected / eligible). The ledger lives in status ({@link PrivacySpent#mechanisms}), so a
 * restarted operator carries on from it and a changed delta is re-evaluated over all rounds.
 */
public final class TrainingPrivacy {
  private TrainingPrivacy() {}

  /** Whether the spec clips and adds noise, i.e. bounds what one site's update reveals. */
  public static boolean noised(FederatedTrainingSpec spec) {
    return effectiveNoiseMultiplier(spec) > 0;
  }

  /** σ of the spec's mechanism: without clipping nothing bounds the sensitivity, so noise alone counts as none. */
  static double effectiveNoiseMultiplier(FederatedTrainingSpec spec) {
    FederatedTrainingSpec.Privacy p = spec.privacy;
    if (p == null || p.clipNorm == null || p.noiseMultiplier == null || !(p.clipNorm > 0)) {
      return 0;
    }
    return Math.max(0, p.noiseMultiplier);
  }

  public static double delta(FederatedTrainingSpec spec) {
    return spec.privacy == null || spec.privacy.delta == null ? TrainingDefaults.PRIVACY_DELTA : spec.privacy.delta;
  }

  static Double budget(FederatedTrainingSpec spec) {
    return spec.privacy == null ? null : spec.privacy.epsilonBudget;
  }

  /** q of a round: the share of eligible sites selected (at most 1: carried sites of a retry may have left). */
  public static double samplingRate(int selected, int eligible) {
    if (selected <= 0) {
      return 0;
    }
    return eligible <= selected ? 1.0 : (double) selected / eligible;
  }

  /** Whether rounds of this spec are accounted: it adds noise, or an earlier round did (whose guarantee later rounds can erode). */
  static boolean accounted(FederatedTrainingSpec spec, PrivacySpent spent) {
    return noised(spec) || spent != null;
  }

  /**
   * Why a round with {@code selected} of {@code eligible} sites must not run: its ε at delta would
   * exceed spec.privacy.epsilonBudget. Empty when it fits or no budget is set.
   */
  public static Optional<String> overBudget(FederatedTrainingSpec spec, PrivacySpent spent, int selected, int eligible) {
    Double budget = budget(spec);
    if (budget == null || !accounted(spec, spent)) {
      return Optional.empty();
    }
    double q = samplingRate(selected, eligible);
    double next = epsilon(with(mechanisms(spent), q, effectiveNoiseMultiplier(spec)), delta(spec));
    if (next <= budget) {
      return Optional.empty();
    }
    int rounds = spent == null || spent.rounds == null ? 0 : spent.rounds;
    double now = epsilon(mechanisms(spent), delta(spec));
    return Optional.of(String.format("one more round (%d of %d eligible sites, q=%.4f, noiseMultiplier %s) would spend epsilon %s"
            + " at delta %s, above spec.privacy.epsilonBudget %s; %d round(s) spent epsilon %s", selected, eligible, q,
        effectiveNoiseMultiplier(spec), show(next), delta(spec), budget, rounds, show(now)));
  }

  /** The ledger after one more completed round; null when neither this spec nor an earlier round adds noise. */
  public static PrivacySpent afterRound(FederatedTrainingSpec spec, PrivacySpent spent, int selected, int eligible) {
    if (!accounted(spec, spent)) {
      return spent;
    }
    PrivacySpent next = new PrivacySpent();
    next.mechanisms = with(mechanisms(spent), samplingRate(selected, eligible), effectiveNoiseMultiplier(spec));
    next.rounds = next.mechanisms.stream().mapToInt(m -> m.rounds).sum();
    next.delta = delta(spec);
    next.epsilonBudget = budget(spec);
    next.epsilon = reported(epsilon(next.mechanisms, next.delta));
    return next;
  }

  /** ε at {@code delta} of all the rounds in {@code mechanisms}: RDP adds up order by order. */
  public static double epsilon(List<PrivacyRounds> mechanisms, double delta) {
    int[] orders = RdpAccountant.DEFAULT_ORDERS;
    double[] total = new double[orders.length];
    for (PrivacyRounds m : mechanisms) {
      double[] rdp = RdpAccountant.rdp(m.samplingRate, m.noiseMultiplier, m.rounds, orders);
      for (int i = 0; i < total.length; i++) {
        total[i] += rdp[i];
      }
    }
    return RdpAccountant.epsilon(orders, total, delta).epsilon();
  }

  /** Rounds of the same (q, σ) share one entry, so the ledger stays as small as the distinct mechanisms. */
  static List<PrivacyRounds> with(List<PrivacyRounds> mechanisms, double q, double sigma) {
    List<PrivacyRounds> out = new ArrayList<>();
    boolean merged = false;
    for (PrivacyRounds m : mechanisms) {
      boolean same = m.samplingRate == q && m.noiseMultiplier == sigma;
      out.add(new PrivacyRounds(m.samplingRate, m.noiseMultiplier, m.rounds + (same ? 1 : 0)));
      merged |= same;
    }
    if (!merged) {
      out.add(new PrivacyRounds(q, sigma, 1));
    }
    return out;
  }

  private static List<PrivacyRounds> mechanisms(PrivacySpent spent) {
    return spent == null || spent.mechanisms == null ? List.of() : spent.mechanisms;
  }

  /** Rounded up to 4 decimals (a reported bound must not be below the real one); absent when unbounded. */
  static Double reported(double epsilon) {
    return Double.isFinite(epsilon) ? Math.ceil(epsilon * 10000) / 10000 : null;
  }

  private static String show(double epsilon) {
    return Double.isFinite(epsilon) ? String.format("%.4f", epsilon) : "unbounded (a round without clipping or noise)";
  }
}
