package io.fedmesh.operator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationStrategiesTest {
  static ClientUpdate u(String site, long samples, float... w) {
    return new ClientUpdate(site, w, samples, 0, 0, 4L * w.length);
  }

  @Test
  void fedAvgWeightsBySamples() {
    float[] out = new FedAvgStrategy().aggregate(new float[2], List.of(u("a", 100, 1, 10), u("b", 300, 5, 2)));
    // (100*1 + 300*5)/400 = 4 ; (100*10 + 300*2)/400 = 4
    assertThat(out[0]).isCloseTo(4f, within(1e-6f));
    assertThat(out[1]).isCloseTo(4f, within(1e-6f));
  }

  @Test
  void fedAvgIsExactAcrossCacheBlocks() {
    int n = FedAvgStrategy.BLOCK * 2 + 7;
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
      b[i] = -i + 2;
    }
    float[] out = new FedAvgStrategy().aggregate(new float[n], List.of(u("a", 1, a), u("b", 1, b)));
    for (int i = 0; i < n; i++) {
      assertThat(out[i]).isEqualTo(1f);
    }
  }

  @Test
  void fedAvgFallsBackToEqualWeightsWithoutSamples() {
    float[] out = new FedAvgStrategy().aggregate(new float[1], List.of(u("a", 0, 2), u("b", 0, 4)));
    assertThat(out[0]).isEqualTo(3f);
  }

  @Test
  void fedAvgRejectsAWrongSizedUpdateNamingTheSite() {
    assertThatThrownBy(() -> new FedAvgStrategy().aggregate(new float[2], List.of(u("bad-site", 1, 1, 2, 3))))
        .hasMessageContaining("bad-site").hasMessageContaining("3 parameters");
  }

  @Test
  void medianIgnoresAnOutlier() {
    float[] out = new MedianStrategy().aggregate(new float[1], List.of(u("a", 1, 1), u("b", 1, 2), u("evil", 1, 1000)));
    assertThat(out[0]).isEqualTo(2f);
  }

  @Test
  void trimmedMeanDropsBothEnds() {
    float[] out = new TrimmedMeanStrategy(0.25).aggregate(new float[1],
        List.of(u("a", 1, -100), u("b", 1, 2), u("c", 1, 4), u("d", 1, 100)));
    assertThat(out[0]).isEqualTo(3f);
  }

  @Test
  void fedAvgMatchesANaiveWeightedMeanForManyUpdates() {
    java.util.Random r = new java.util.Random(9);
    int n = FedAvgStrategy.BLOCK + 100;
    List<ClientUpdate> updates = new java.util.ArrayList<>();
    for (int k = 0; k < 7; k++) { // 4-way passes plus a remainder
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        w[i] = (float) r.nextGaussian();
      }
      updates.add(u("s" + k, 10 + k * 13, w));
    }
    long total = updates.stream().mapToLong(ClientUpdate::samples).sum();
    float[] out = new FedAvgStrategy().aggregate(new float[n], updates);
    for (int i = 0; i < n; i += 97) {
      double expected = 0;
      for (ClientUpdate up : updates) {
        expected += (double) up.samples() / total * up.weights()[i];
      }
      assertThat((double) out[i]).isCloseTo(expected, within(1e-6));
    }
  }
}
