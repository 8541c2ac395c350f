package io.fedmesh.operator.aggregation;

import static io.fedmesh.operator.aggregation.AggregationStrategiesTest.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KrumStrategyTest {
  /** Seven honest updates near (1, 1, 1) and two Byzantine ones far away (sign-flipped and boosted). */
  static List<ClientUpdate> round() {
    Random r = new Random(7);
    List<ClientUpdate> out = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      out.add(u("honest-" + k, 100, 1 + 0.05f * (float) r.nextGaussian(), 1 + 0.05f * (float) r.nextGaussian(),
          1 + 0.05f * (float) r.nextGaussian()));
    }
    out.add(u("flip", 100, -1, -1, -1));
    out.add(u("boost", 1_000_000, 10, 10, 10));
    return out;
  }

  @Test
  void krumPicksOneUpdateOfTheHonestCluster() {
    List<ClientUpdate> chosen = new KrumStrategy(2, 1).selected(round());
    assertThat(chosen).hasSize(1);
    assertThat(chosen.get(0).site()).startsWith("honest-");
    float[] out = new KrumStrategy(2, 1).aggregate(new float[3], round());
    assertThat(out).containsExactly(chosen.get(0).weights());
  }

  @Test
  void multiKrumAveragesTheMBestUnweighted() {
    List<ClientUpdate> updates = round();
    KrumStrategy krum = new KrumStrategy(2, 5);
    List<ClientUpdate> chosen = krum.selected(updates);
    assertThat(chosen).hasSize(5).allSatisfy(c -> assertThat(c.site()).startsWith("honest-"));
    float[] out = krum.aggregate(new float[3], updates);
    for (int i = 0; i < 3; i++) {
      double mean = 0;
      for (ClientUpdate c : chosen) {
        mean += c.weights()[i] / 5.0;
      }
      assertThat((double) out[i]).isCloseTo(mean, within(1e-6));
    }
  }

  @Test
  void fedAvgOfTheSameRoundIsDraggedAway() {
    // the reason Krum exists: the boosted site's claimed samples and size dominate a weighted mean
    float[] avg = new FedAvgStrategy().aggregate(new float[3], round());
    assertThat(avg[0]).isGreaterThan(5f);
  }

  @Test
  void selectIsCappedAtNMinusF() {
    assertThat(new KrumStrategy(2, 100).selected(round())).hasSize(7);
  }

  @Test
  void aShortRoundStillAggregates() {
    // n = 3 <= 2f+2 with f = 2: the guarantee is gone but the round is not failed over it
    List<ClientUpdate> three = List.of(u("a", 1, 1f), u("b", 1, 1.1f), u("c", 1, 9f));
    float[] out = new KrumStrategy(2, 1).aggregate(new float[1], three);
    assertThat(out[0]).isIn(1f, 1.1f);
  }
}
