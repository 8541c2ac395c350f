package io.fedmesh.operator.acquisition;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurstPlacerTest {
  static SimulationBurstSpec template() {
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = 4;
    s.ranksPerTask = 2;
    s.walltimeSeconds = 900;
    s.sweep = new ArrayList<>(AcquisitionFixtures.sweep());
    return s;
  }

  static AdaptiveSimulation adaptive(AdaptiveSimulation.Acquisition acquisition) {
    AdaptiveSimulation a = new AdaptiveSimulation();
    a.acquisition = acquisition;
    a.maxBursts = 3;
    return a;
  }

  @Test
  void errorNarrowsTheSweepToTheWorstRegionAndSaysWhy() {
    var model = AcquisitionFixtures.model();
    var data = AcquisitionFixtures.samples(400, 1, (a, b) -> a < 0.5 && b > 0.5 ? 3.0 : 0.0);
    SimulationBurstSpec template = template();
    var placed = BurstPlacer.place(adaptive(AdaptiveSimulation.Acquisition.ERROR), template, model,
        List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(BurstPlacer.bounds(placed.spec()).get("a")).containsExactly(0.0, 0.5);
    assertThat(BurstPlacer.bounds(placed.spec()).get("b")).containsExactly(0.5, 1.0);
    assertThat(template.sweep.get(0).max).as("the template is left as it was").isEqualTo(1.0);
    assertThat(placed.placement().acquisition).isEqualTo("error");
    assertThat(placed.placement().score).isGreaterThan(placed.placement().runnerUpScore);
    assertThat(placed.placement().reason).contains("region 2 of 4").contains("400 simulation samples");
    assertThat(placed.placement().coreHours).isEqualTo(2.0); // 4 tasks x 2 ranks x 900 s
  }

  @Test
  void withNothingToJudgeByTheBurstIsUniform() {
    var model = AcquisitionFixtures.model();
    var first = BurstPlacer.place(adaptive(AdaptiveSimulation.Acquisition.ERROR), template(), model, List.of(), null, 1);
    assertThat(BurstPlacer.bounds(first.spec()).get("a")).containsExactly(0.0, 1.0);
    assertThat(first.placement().region).isEqualTo("whole sweep");
    assertThat(first.placement().reason).contains("no simulation samples yet");
    var data = AcquisitionFixtures.samples(10, 1, (a, b) -> 0);
    var one = BurstPlacer.place(adaptive(AdaptiveSimulation.Acquisition.UNCERTAINTY), template(), model,
        List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(one.placement().reason).contains("an ensemble needs two");
    var uniform = BurstPlacer.place(adaptive(AdaptiveSimulation.Acquisition.UNIFORM), template(), model,
        List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(uniform.placement().score).isNull();
    assertThat(BurstPlacer.bounds(uniform.spec()).get("b")).containsExactly(0.0, 1.0);
  }

  @Test
  void theBudgetCountsReservedCoreHours() {
    assertThat(CoreHours.reserved(template())).isEqualTo(2.0);
    assertThat(CoreHours.fits(null, 100, 2)).isTrue();
    assertThat(CoreHours.fits(4.0, 2.0, 2.0)).isTrue();
    assertThat(CoreHours.fits(4.0, 2.5, 2.0)).isFalse();
  }
}
