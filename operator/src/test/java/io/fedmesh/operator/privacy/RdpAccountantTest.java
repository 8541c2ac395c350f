package io.fedmesh.operator.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The accountant against exact values, published reference values and a direct numerical
 * integration of the sampled Gaussian's Rényi divergence.
 */
class RdpAccountantTest {

  @ParameterizedTest
  @CsvSource({"2, 1.0", "5, 1.1", "32, 4.0", "256, 0.7", "1024, 10.0"})
  void theGaussianMechanismWithoutSamplingIsExactlyAlphaOverTwoSigmaSquared(int alpha, double sigma) {
    assertThat(RdpAccountant.rdp(1.0, sigma, alpha)).isEqualTo(alpha / (2 * sigma * sigma));
    // the binomial sum of the sampled case tends to it as q -> 1 (same formula, no special case)
    double nearlyOne = RdpAccountant.logA(1 - 1e-12, sigma, alpha) / (alpha - 1);
    assertThat(nearlyOne).isCloseTo(alpha / (2 * sigma * sigma), within(1e-6 * Math.max(1, alpha / (2 * sigma * sigma))));
  }

  /** tensorflow/privacy rdp_accountant_test.py: test_compute_rdp_scalar and test_compute_rdp_sequence (integer orders). */
  @Test
  void matchesTensorFlowPrivacysComputeRdp() {
    assertThat(RdpAccountant.rdp(0.1, 2, 10, new int[] {5})[0]).isCloseTo(0.07737, within(5e-6));
    double[] rdp = RdpAccountant.rdp(0.01, 2.5, 50, new int[] {5, 50, 100});
    assertThat(rdp[0]).isCloseTo(0.00218075, within(1e-5));
    assertThat(rdp[1]).isCloseTo(0.023846, within(1e-5));
    assertThat(rdp[2]).isCloseTo(167.416307, within(1e-5));
  }

  /**
   * tensorflow/privacy test_get_privacy_spent_check_target_delta: q=0.01, σ=4, 10,000 steps,
   * orders 2..32, δ=1e-5 gives ε 1.258575 at order 20 (the Abadi et al. setting).
   */
  @Test
  void matchesTensorFlowPrivacysEpsilonForTheAbadiSetting() {
    int[] orders = IntStream.rangeClosed(2, 32).toArray();
    RdpAccountant.Epsilon e = RdpAccountant.epsilon(orders, RdpAccountant.rdp(0.01, 4, 10_000, orders), 1e-5);
    assertThat(e.epsilon()).isCloseTo(1.258575, within(5e-6));
    assertThat(e.order()).isEqualTo(20);
    // the default grid contains those orders, so it is never worse
    RdpAccountant.Epsilon full = RdpAccountant.epsilon(RdpAccountant.DEFAULT_ORDERS,
        RdpAccountant.rdp(0.01, 4, 10_000, RdpAccountant.DEFAULT_ORDERS), 1e-5);
    assertThat(full.epsilon()).isLessThanOrEqualTo(e.epsilon());
  }

  /** The closed form A_α against ∫ μ0(z) (μ(z)/μ0(z))^α dz, μ0 = N(0, σ²), μ = (1−q) N(0, σ²) + q N(1, σ²). */
  @ParameterizedTest
  @CsvSource({"0.1, 2.0, 5", "0.01, 1.1, 20", "0.5, 3.0, 12", "0.001, 0.8, 40", "0.25, 1.0, 8", "0.9, 5.0, 64"})
  void theClosedFormEqualsANumericalIntegration(double q, double sigma, int alpha) {
    double numeric = logANumerically(q, sigma, alpha);
    assertThat(RdpAccountant.logA(q, sigma, alpha)).isCloseTo(numeric, within(1e-7 * Math.max(1, Math.abs(numeric))));
  }

  /** Simpson's rule in log space over [−40σ, α + 40σ] (the integrand's mass lies between 0 and α). */
  static double logANumerically(double q, double sigma, int alpha) {
    double lo = -40 * sigma;
    double hi = alpha + 40 * sigma;
    int n = 400_000;
    double h = (hi - lo) / n;
    double[] logF = new double[n + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= n; i++) {
      double z = lo + i * h;
      double logMu0 = -z * z / (2 * sigma * sigma) - Math.log(sigma * Math.sqrt(2 * Math.PI));
      double logRatio = Math.log((1 - q) + q * Math.exp((2 * z - 1) / (2 * sigma * sigma)));
      logF[i] = logMu0 + alpha * logRatio;
      max = Math.max(max, logF[i]);
    }
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += w * Math.exp(logF[i] - max);
    }
    return max + Math.log(sum * h / 3);
  }

  @Test
  void moreNoiseLessSamplingAndFewerStepsSpendLess() {
    int[] o = RdpAccountant.DEFAULT_ORDERS;
    double base = RdpAccountant.epsilon(o, RdpAccountant.rdp(0.1, 1.1, 100, o), 1e-5).epsilon();
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.1, 2.0, 100, o), 1e-5).epsilon()).isLessThan(base);
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.05, 1.1, 100, o), 1e-5).epsilon()).isLessThan(base);
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.1, 1.1, 50, o), 1e-5).epsilon()).isLessThan(base);
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.1, 1.1, 100, o), 1e-3).epsilon()).isLessThan(base);
    // subsampling only helps: q < 1 never spends more than the full Gaussian
    assertThat(base).isLessThan(RdpAccountant.epsilon(o, RdpAccountant.rdp(1.0, 1.1, 100, o), 1e-5).epsilon());
  }

  @Test
  void edgeCasesAreFiniteOrInfiniteNeverNaN() {
    assertThat(RdpAccountant.rdp(0, 1.0, 8)).isZero();
    assertThat(RdpAccountant.rdp(0.5, 0, 8)).isInfinite();
    assertThat(RdpAccountant.rdp(0.5, 0.01, 1024)).isFinite().isPositive();
    int[] o = RdpAccountant.DEFAULT_ORDERS;
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.5, 0, 3, o), 1e-5).epsilon()).isInfinite();
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0.5, 1, 0, o), 1e-5).epsilon()).as("no step, nothing spent").isZero();
    assertThat(RdpAccountant.epsilon(o, RdpAccountant.rdp(0, 1, 10, o), 1e-5).epsilon()).as("never sampled").isZero();
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> RdpAccountant.rdp(1.5, 1, 2)).hasMessageContaining("samplingRate must be in [0, 1] (got 1.5)");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.5, Double.NaN, 2)).hasMessageContaining("noiseMultiplier");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.5, 1, 1)).hasMessageContaining("order must be an integer >= 2");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.5, 1, -1, new int[] {2})).hasMessageContaining("steps must be >= 0");
    assertThatThrownBy(() -> RdpAccountant.epsilon(new int[] {2}, new double[] {1}, 0)).hasMessageContaining("delta must be in (0, 1)");
    assertThatThrownBy(() -> RdpAccountant.epsilon(new int[] {2, 3}, new double[] {1}, 1e-5)).hasMessageContaining("one RDP value per order");
  }
}
