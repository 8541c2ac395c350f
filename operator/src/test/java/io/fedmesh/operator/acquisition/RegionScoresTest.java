package io.fedmesh.operator.acquisition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The acquisition's scores through DJL: errors and ensemble spread per region. */
class RegionScoresTest {
  @Test
  void errorIsHighestInTheRegionWhereTheLabelsAreFarFromTheModel() {
    var model = AcquisitionFixtures.model();
    Regions regions = new Regions(AcquisitionFixtures.sweep(), 2);
    // the zero model predicts 0; labels are large only where a > 0.5 and b < 0.5 (region 1)
    var data = AcquisitionFixtures.samples(400, 1, (a, b) -> a > 0.5 && b < 0.5 ? 2.0 : 0.1);
    double[] scores = RegionScores.error(model, AcquisitionFixtures.zero(model), data, regions, RegionScores.columns(data, regions));
    assertThat(RegionScores.worst(scores)).isEqualTo(1);
    // region 1's score: the mean of the squared errors in its a bin (a > 0.5) and in its b bin (b < 0.5), averaged
    double[] sum = new double[2];
    int[] n = new int[2];
    for (int r = 0; r < data.rows(); r++) {
      double e2 = data.y()[r] * (double) data.y()[r];
      if (data.x()[r * 3 + 1] >= 0.5) {
        sum[0] += e2;
        n[0]++;
      }
      if (data.x()[r * 3 + 2] < 0.5) {
        sum[1] += e2;
        n[1]++;
      }
    }
    assertThat(scores[1]).isCloseTo((sum[0] / n[0] + sum[1] / n[1]) / 2, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(scores[2]).as("a-low and b-high see only 0.1").isCloseTo(0.01, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void uncertaintyIsZeroForAnEnsembleThatAgreesAndPicksWhereItDisagrees() {
    var model = AcquisitionFixtures.model();
    Regions regions = new Regions(AcquisitionFixtures.sweep(), 2);
    var data = AcquisitionFixtures.samples(50, 2, (a, b) -> 0);
    float[] w = AcquisitionFixtures.initial(model, 3);
    double[] same = RegionScores.uncertainty(model, List.of(w, w.clone()), data, regions, RegionScores.columns(data, regions), 1);
    assertThat(same).containsOnly(0.0);
    // against the zero model, a network answering tanh(a + b) disagrees most where a and b are both high (region 3);
    // flat layout: hidden weight [8, 3] (inputs c, a, b), hidden bias [8], output weight [1, 8], output bias [1]
    float[] zero = AcquisitionFixtures.zero(model);
    float[] sum = zero.clone();
    sum[1] = 1;
    sum[2] = 1;
    sum[8 * 3 + 8] = 1;
    double[] spread = RegionScores.uncertainty(model, List.of(zero, sum), data, regions, RegionScores.columns(data, regions), 1);
    assertThat(RegionScores.worst(spread)).isEqualTo(3);
    assertThat(spread[3]).isGreaterThan(spread[1]).isGreaterThan(spread[0]);
    assertThat(spread[3]).isGreaterThan(spread[2]).isGreaterThan(spread[0]);
  }

  @Test
  void aSweptParameterThatIsNoColumnIsNamed() {
    var data = AcquisitionFixtures.samples(10, 1, (a, b) -> 0);
    Regions regions = new Regions(List.of(AcquisitionFixtures.param("windX", -1, 1)), 2);
    assertThatThrownBy(() -> RegionScores.columns(data, regions)).hasMessageContaining("no column 'windX'");
  }

  @Test
  void nanNeverWins() {
    assertThat(RegionScores.worst(new double[] {Double.NaN, 0.2, 0.1})).isEqualTo(1);
    assertThat(RegionScores.worst(new double[] {Double.NaN})).isEqualTo(-1);
  }
}
