package io.fedmesh.operator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunningMeanTest {
  static final int P = 1000;

  /** Seven sites of very different sizes, weights around 1 with a spread, as a trained model has. */
  static List<ClientUpdate> cohort(long seed) {
    Random rnd = new Random(seed);
    long[] samples = {1, 17, 250, 4_000, 60_000, 999, 3};
    List<ClientUpdate> out = new ArrayList<>();
    for (int k = 0; k < samples.length; k++) {
      float[] w = new float[P];
      for (int i = 0; i < P; i++) {
        w[i] = (float) (1 + rnd.nextGaussian() * (k + 1));
      }
      out.add(new ClientUpdate("site-" + k, w, samples[k], 0.5, 0.5, 4L * P));
    }
    return out;
  }

  static float[] folded(List<ClientUpdate> updates) {
    RunningMean mean = new RunningMean(P);
    updates.forEach(u -> mean.add(u.site(), u.weights(), u.samples()));
    return mean.mean();
  }

  /** Largest difference, in float ulps of the expected value (at least one ulp of 1 for values near 0). */
  static double ulps(float[] expected, float[] actual) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]) / Math.max(Math.ulp(expected[i]), Math.ulp(1f)));
    }
    return worst;
  }

  @Test
  void foldingOneAtATimeGivesFedAvgsWeightedMeanWhateverTheOrder() {
    List<ClientUpdate> updates = cohort(1);
    float[] expected = FedAvgStrategy.weightedMean(P, updates);
    List<ClientUpdate> shuffled = new ArrayList<>(updates);
    Collections.shuffle(shuffled, new Random(2));
    assertThat(ulps(expected, folded(updates))).isLessThanOrEqualTo(1);
    assertThat(ulps(expected, folded(shuffled))).isLessThanOrEqualTo(1);
  }

  @Test
  void theToleranceWouldCatchAWrongWeight() {
    List<ClientUpdate> updates = cohort(3);
    float[] expected = FedAvgStrategy.weightedMean(P, updates);
    // one site counted with one sample less, or two sites' counts swapped: far outside one ulp
    List<ClientUpdate> offByOne = new ArrayList<>(updates);
    ClientUpdate big = offByOne.get(4);
    offByOne.set(4, new ClientUpdate(big.site(), big.weights(), big.samples() - 1, 0.5, 0.5, 0));
    assertThat(ulps(expected, folded(offByOne))).isGreaterThan(10);
    List<ClientUpdate> swapped = new ArrayList<>(updates);
    ClientUpdate a = swapped.get(0);
    ClientUpdate b = swapped.get(3);
    swapped.set(0, new ClientUpdate(a.site(), a.weights(), b.samples(), 0.5, 0.5, 0));
    swapped.set(3, new ClientUpdate(b.site(), b.weights(), a.samples(), 0.5, 0.5, 0));
    assertThat(ulps(expected, folded(swapped))).isGreaterThan(1000);
  }

  @Test
  void aWrongLengthOrAnUpdateWithoutSamplesIsRefusedAndLeavesTheMeanAsItWas() {
    RunningMean mean = new RunningMean(2);
    mean.add("a", new float[] {1, 2}, 3);
    assertThatThrownBy(() -> mean.add("b", new float[] {1, 2, 3}, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("update from b has 3 parameters, the model has 2");
    assertThatThrownBy(() -> mean.add("c", new float[] {9, 9}, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThat(mean.count()).isEqualTo(1);
    assertThat(mean.samples()).isEqualTo(3);
    assertThat(mean.mean()).containsExactly(1f, 2f);
  }

  @Test
  void anEmptyRoundHasNoMean() {
    assertThatThrownBy(() -> new RunningMean(4).mean()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no update");
  }

  @Test
  void fedAdamsServerStepOnTheFoldedMeanIsItsStepOnTheList() {
    List<ClientUpdate> updates = cohort(4);
    float[] global = new float[P];
    FedAdamStrategy fromList = new FedAdamStrategy(0.1, 0.9, 0.99, 1e-3);
    FedAdamStrategy fromMean = new FedAdamStrategy(0.1, 0.9, 0.99, 1e-3);
    for (int round = 0; round < 3; round++) { // the moments carry over alike
      float[] a = fromList.aggregate(global, updates);
      float[] b = fromMean.step(global, folded(updates));
      assertThat(ulps(a, b)).as("round " + round).isLessThanOrEqualTo(2);
      global = a;
    }
  }

  @Test
  void exactlyTheWeightedMeanStrategiesStream() {
    for (FederatedTrainingSpec.Strategy.Type type : FederatedTrainingSpec.Strategy.Type.values()) {
      FederatedTrainingSpec.Strategy s = new FederatedTrainingSpec.Strategy();
      s.type = type;
      boolean weightedMean = Strategies.forSpec(s) instanceof WeightedMeanStrategy;
      // BufferedAsync aggregates with FedAvg, but its buffer keeps its updates to rebase them
      assertThat(Strategies.streams(s)).as(type.name()).isEqualTo(weightedMean && type != FederatedTrainingSpec.Strategy.Type.BufferedAsync);
    }
    assertThat(Strategies.streams(null)).as("the default, FedAvg").isTrue();
  }
}
