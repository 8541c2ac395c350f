package io.fedmesh.operator.acquisition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionsTest {
  @Test
  void everyCombinationOfBinsIsOneRegionAndPointsLandInTheirOwn() {
    Regions r = new Regions(AcquisitionFixtures.sweep(), 2);
    assertThat(r.all()).hasSize(4);
    for (Regions.Region region : r.all()) {
      double a = (region.bounds().get("a")[0] + region.bounds().get("a")[1]) / 2;
      double b = (region.bounds().get("b")[0] + region.bounds().get("b")[1]) / 2;
      assertThat(r.locate(new double[] {a, b})).isEqualTo(region.index());
      assertThat(region.contains(java.util.Map.of("a", a, "b", b))).isTrue();
    }
    assertThat(r.locate(new double[] {1.0, 1.0})).as("the top edge belongs to the last bin").isEqualTo(3);
    assertThat(r.locate(new double[] {1.5, 0.2})).isEqualTo(-1);
    assertThat(r.all().get(1).describe()).isEqualTo("a [0.5000, 1.000] b [0.000, 0.5000]");
  }

  @Test
  void tooManyRegionsAreRefusedWithTheFix() {
    var sweep = List.of(AcquisitionFixtures.param("a", 0, 1), AcquisitionFixtures.param("b", 0, 1), AcquisitionFixtures.param("c", 0, 1),
        AcquisitionFixtures.param("d", 0, 1), AcquisitionFixtures.param("e", 0, 1));
    assertThatThrownBy(() -> new Regions(sweep, 8)).hasMessageContaining("regionsPerParameter 8").hasMessageContaining("lower it");
  }
}
