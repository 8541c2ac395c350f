package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.hpc.sim.SweepPlanner.SweepRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepPlannerTest {
  private static final List<SweepRange> RANGES = List.of(new SweepRange("diffusivity", 0.001, 0.009),
      new SweepRange("windX", -1, 1), new SweepRange("sourceX", 0.2, 0.2));

  private static List<Double> column(List<Map<String, Double>> plan, String name) {
    return plan.stream().map(p -> p.get(name)).toList();
  }

  @Test
  void everyParameterTakesEachEvenlySpacedValueOnce() {
    List<Map<String, Double>> plan = SweepPlanner.plan(RANGES, 5);
    assertThat(plan).hasSize(5);
    List<Double> d = column(plan, "diffusivity");
    double[] expected = {0.001, 0.003, 0.005, 0.007, 0.009};
    for (int i = 0; i < expected.length; i++) {
      assertThat(d.get(i)).isCloseTo(expected[i], within(1e-15));
    }
    assertThat(d.get(0)).isEqualTo(0.001); // the ends are exact
    assertThat(d.get(4)).isEqualTo(0.009);
    assertThat(column(plan, "windX")).containsExactlyInAnyOrder(-1.0, -0.5, 0.0, 0.5, 1.0);
    assertThat(column(plan, "sourceX")).containsOnly(0.2);
    assertThat(plan.get(0).keySet()).containsExactly("diffusivity", "windX", "sourceX");
  }

  @Test
  void theOrderIsALatinHypercubeAndDeterministic() {
    List<Map<String, Double>> plan = SweepPlanner.plan(RANGES, 16);
    assertThat(SweepPlanner.plan(RANGES, 16)).isEqualTo(plan);
    // later parameters are permuted, not paired level-for-level with the first
    assertThat(column(plan, "windX")).isNotEqualTo(column(plan, "windX").stream().sorted().toList());
    assertThat(column(plan, "windX")).doesNotHaveDuplicates();
  }

  @Test
  void oneTaskTakesTheMidpoints() {
    Map<String, Double> only = SweepPlanner.plan(RANGES, 1).get(0);
    assertThat(only.get("diffusivity")).isCloseTo(0.005, within(1e-15));
    assertThat(only.get("windX")).isEqualTo(0.0);
    assertThat(only.get("sourceX")).isEqualTo(0.2);
  }

  @Test
  void badSweepsAreRefusedWithTheField() {
    assertThatThrownBy(() -> SweepPlanner.plan(RANGES, 0)).hasMessageContaining("tasks=0");
    assertThatThrownBy(() -> SweepPlanner.plan(List.of(new SweepRange("windX", 1, -1)), 4))
        .hasMessageContaining("sweep[0] (windX)").hasMessageContaining("min <= max");
    assertThatThrownBy(() -> SweepPlanner.plan(List.of(new SweepRange("a", 0, 1), new SweepRange("a", 0, 2)), 4))
        .hasMessageContaining("sweep[1].name 'a' is swept twice");
    assertThatThrownBy(() -> SweepPlanner.plan(List.of(new SweepRange(" ", 0, 1)), 4)).hasMessageContaining("sweep[0].name");
  }
}
