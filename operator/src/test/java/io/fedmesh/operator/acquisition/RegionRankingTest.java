package io.fedmesh.operator.acquisition;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionRankingTest {
  @Test
  void topPicksTheKHighestScoresBestFirstAndNeverANaN() {
    double[] scores = {0.1, Double.NaN, 0.9, 0.4, 0.7};
    RegionRanking.Ranked r = RegionRanking.top(scores, null, 3);
    assertThat(r.chosen()).containsExactly(2, 4, 3);
    assertThat(r.runnerUp()).isEqualTo(0.1);
    assertThat(RegionRanking.top(scores, null, 10).chosen()).containsExactly(2, 4, 3, 0);
    assertThat(RegionRanking.top(scores, null, 10).runnerUp()).isNaN();
    assertThat(RegionRanking.top(new double[] {Double.NaN}, null, 2).chosen()).isEmpty();
  }

  @Test
  void costsDivideTheScores() {
    // region 0 errs twice as much but costs four times as much: per core-second region 1 is the better buy
    RegionRanking.Ranked r = RegionRanking.top(new double[] {2.0, 1.0}, new double[] {4.0, 1.0}, 1);
    assertThat(r.chosen()).containsExactly(1);
    assertThat(r.values()).containsExactly(0.5, 1.0);
  }

  @Test
  void theSolversCostGrowsWithDiffusivityAndWind() {
    SimulationBurstSpec t = new SimulationBurstSpec();
    t.tasks = 4;
    t.application.grid = 64;
    t.application.steps = 1;
    t.sweep = List.of(AcquisitionFixtures.param("diffusivity", 0.005, 0.03), AcquisitionFixtures.param("windX", 0, 2));
    Regions regions = new Regions(t.sweep, 2);
    double[] costs = RegionRanking.relativeCosts(regions, t);
    // region order: diffusivity varies fastest; region 0 (low diffusivity, low wind) is the cheapest
    assertThat(costs[0]).isEqualTo(1.0);
    assertThat(costs[1]).isGreaterThan(1.5); // diffusivity 0.02375 against 0.01125: the diffusion limit dominates
    assertThat(costs[2]).isGreaterThan(1.0).isLessThan(costs[1]);
    assertThat(costs[3]).isGreaterThan(costs[1]);
    t.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
    t.application.name = "other";
    assertThat(RegionRanking.relativeCosts(regions, t)).containsOnly(1.0);
  }
}
