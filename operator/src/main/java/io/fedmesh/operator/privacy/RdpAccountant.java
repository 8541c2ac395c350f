package io.fedmesh.operator.privacy;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Rényi differential privacy (RDP) of the sampled Gaussian mechanism, composed over steps and
 * converted to (ε, δ).
 *
 * <ul>
 *   <li>Gaussian mechanism with noise multiplier σ (noise stddev / L2 sensitivity): RDP of order α
 *       is exactly α / (2σ²) (Mironov 2017, Prop. 7).
 *   <li>Sampled Gaussian with sampling rate q, integer α ≥ 2 (Mironov, Talwar, Zhang 2019, §3.3):
 *       ε(α) = log(A_α) / (α − 1), A_α = Σ_{k=0..α} C(α,k) (1−q)^(α−k) q^k exp((k² − k) / (2σ²)).
 *   <li>Composition adds RDP order by order (Mironov 2017, Prop. 1).
 *   <li>RDP to (ε, δ): ε = min over α of RDP(α) + log(1/δ) / (α − 1) (Mironov 2017, Prop. 3).
 * </ul>
 *
 * Everything is computed in log space, so large orders and small σ give large finite numbers or
 * +∞, never NaN. Only integer orders are used: the integer bound is exact for the sampled
 * Gaussian, and a grid of orders only ever over-estimates ε.
 */
public final class RdpAccountant {
  /** Orders 2..256, then sparser up to 1024 (large orders matter for large σ and small ε). */
  public static final int[] DEFAULT_ORDERS = IntStream.concat(IntStream.rangeClosed(2, 256), IntStream.of(320, 384, 512, 768, 1024))
      .toArray();

  private RdpAccountant() {}

  /** (ε, δ) and the order that gave it. */
  public record Epsilon(double epsilon, int order) {}

  /** RDP of order {@code alpha} of one run of the sampled Gaussian mechanism. */
  public static double rdp(double samplingRate, double noiseMultiplier, int alpha) {
    check(samplingRate, noiseMultiplier, alpha);
    if (samplingRate == 0) {
      return 0;
    }
    if (noiseMultiplier == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (samplingRate == 1) {
      return alpha / (2 * noiseMultiplier * noiseMultiplier);
    }
    return logA(samplingRate, noiseMultiplier, alpha) / (alpha - 1);
  }

  /** RDP at each of {@code orders} of {@code steps} runs of the mechanism (composition). */
  public static double[] rdp(double samplingRate, double noiseMultiplier, long steps, int[] orders) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0 (got " + steps + ")");
    }
    double[] out = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      out[i] = steps == 0 ? 0 : steps * rdp(samplingRate, noiseMultiplier, orders[i]);
    }
    return out;
  }

  /** The smallest ε over the orders for which the composed {@code rdp} gives (ε, δ)-DP. */
  public static Epsilon epsilon(int[] orders, double[] rdp, double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1) (got " + delta + ")");
    }
    if (orders.length != rdp.length || orders.length == 0) {
      throw new IllegalArgumentException("one RDP value per order is needed (" + orders.length + " orders, " + rdp.length + " values)");
    }
    if (Arrays.stream(rdp).allMatch(r -> r == 0)) {
      return new Epsilon(0, orders[0]); // nothing released (no steps, or q = 0): (0, 0)-DP
    }
    double best = Double.POSITIVE_INFINITY;
    int bestOrder = orders[0];
    double logInverseDelta = -Math.log(delta);
    for (int i = 0; i < orders.length; i++) {
      double eps = rdp[i] + logInverseDelta / (orders[i] - 1);
      if (eps < best) {
        best = eps;
        bestOrder = orders[i];
      }
    }
    return new Epsilon(Math.max(0, best), bestOrder);
  }

  /** log A_α for integer α, summing the binomial expansion in log space. */
  static double logA(double q, double sigma, int alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigma2 = 2 * sigma * sigma;
    double acc = Double.NEGATIVE_INFINITY;
    double logBinomial = 0; // log C(alpha, k), updated term by term
    for (int k = 0; k <= alpha; k++) {
      double term = logBinomial + k * logQ + (alpha - k) * log1mQ + ((double) k * k - k) / twoSigma2;
      acc = logAdd(acc, term);
      logBinomial += Math.log(alpha - k) - Math.log(k + 1.0);
    }
    return acc;
  }

  static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double hi = Math.max(a, b);
    return hi + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  private static void check(double q, double sigma, int alpha) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in [0, 1] (got " + q + ")");
    }
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and >= 0 (got " + sigma + ")");
    }
    if (alpha < 2) {
      throw new IllegalArgumentException("RDP order must be an integer >= 2 (got " + alpha + ")");
    }
  }
}
