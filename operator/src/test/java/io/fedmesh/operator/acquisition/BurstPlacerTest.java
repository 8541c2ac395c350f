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

  @Test
  void regionsPerBurstSpreadsTheBurstOverTheKWorstRegions() {
    var model = AcquisitionFixtures.model();
    // the zero model errs by the label: squared 1, 0, 9 and 4 in regions 0..3 (a varies fastest), so by their marginal bins
    // regions 2 (a low, b high) and 3 (a high, b high) score highest, then 0
    var data = AcquisitionFixtures.samples(4000, 3, (a, b) -> a < 0.5 ? (b < 0.5 ? 1 : 3) : (b < 0.5 ? 0 : 2));
    AdaptiveSimulation spread = adaptive(AdaptiveSimulation.Acquisition.ERROR);
    spread.regionsPerBurst = 2;
    var placed = BurstPlacer.place(spread, template(), model, List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(BurstPlacer.bounds(placed.spec()).get("a")).as("the sweep stays whole").containsExactly(0.0, 1.0);
    assertThat(placed.spec().regions).hasSize(2);
    assertThat(placed.spec().regions.get(0).bounds).extracting(p -> p.name + " " + p.min + " " + p.max)
        .containsExactly("a 0.0 0.5", "b 0.5 1.0");
    assertThat(placed.spec().regions.get(1).bounds).extracting(p -> p.name + " " + p.min + " " + p.max)
        .containsExactly("a 0.5 1.0", "b 0.5 1.0");
    assertThat(placed.placement().region).contains("; ");
    assertThat(placed.placement().reason).contains("the 2 best of 4 regions [2, 3]");
    assertThat(placed.placement().score).isCloseTo(5.75, org.assertj.core.data.Offset.offset(0.5));
    assertThat(placed.placement().runnerUpScore).as("region 0's").isCloseTo(2.75, org.assertj.core.data.Offset.offset(0.5));

    spread.regionsPerBurst = 64;
    var capped = BurstPlacer.place(spread, template(), model, List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(capped.spec().regions).as("no more regions than the 4 tasks").hasSize(4);
    assertThat(capped.placement().runnerUpScore).isNull();
  }

  @Test
  void costAwareRanksByScorePerExpectedCoreSecond() {
    var model = AcquisitionFixtures.model();
    // the zero model errs 1.44 at high diffusivity and 1.0 at low: alone the score picks high diffusivity, but its tasks need
    // about twice the solver's steps, so per core-second the low-diffusivity half is the better buy
    var data = reference(2000, d -> d > 0.0175 ? 1.2 : 1.0);
    SimulationBurstSpec t = template();
    t.application.grid = 64;
    t.application.steps = 1;
    t.sweep = new ArrayList<>(List.of(AcquisitionFixtures.param("diffusivity", 0.005, 0.03), AcquisitionFixtures.param("windX", -1, 1)));
    AdaptiveSimulation a = adaptive(AdaptiveSimulation.Acquisition.ERROR);
    var plain = BurstPlacer.place(a, t, model, List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(BurstPlacer.bounds(plain.spec()).get("diffusivity")[0]).isCloseTo(0.0175, org.assertj.core.data.Offset.offset(1e-9));
    a.costAware = true;
    var aware = BurstPlacer.place(a, t, model, List.of(AcquisitionFixtures.zero(model)), data, 1);
    assertThat(BurstPlacer.bounds(aware.spec()).get("diffusivity")[1]).isCloseTo(0.0175, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(BurstPlacer.bounds(aware.spec()).get("diffusivity")[0]).isEqualTo(0.005);
    assertThat(aware.placement().reason).contains("per expected task cost");
  }

  /** Columns x, diffusivity, windX (reference-simulation names, so the solver's cost applies); label = f(diffusivity). */
  private static io.fedmesh.common.data.Dataset reference(int rows, java.util.function.DoubleUnaryOperator label) {
    java.util.Random r = new java.util.Random(5);
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double d = 0.005 + 0.025 * r.nextDouble();
      x[i * 3] = (float) r.nextDouble();
      x[i * 3 + 1] = (float) d;
      x[i * 3 + 2] = (float) (2 * r.nextDouble() - 1);
      y[i] = (float) label.applyAsDouble(d);
    }
    return new io.fedmesh.common.data.Dataset(java.nio.file.Path.of("ref.csv"), List.of("x", "diffusivity", "windX"), rows, 3, x, y, 0);
  }
}
