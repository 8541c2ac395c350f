package io.fedmesh.operator.hpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BurstRequestsTest {
  private static SimulationBurstSpec.SweepParameter p(String name, double min, double max) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = min;
    p.max = max;
    return p;
  }

  private static SimulationBurst burst(SimulationBurstSpec spec) {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("ns").withUid("u-1").build());
    b.setSpec(spec);
    return b;
  }

  private static SimulationBurstSpec spec(int tasks) {
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = tasks;
    s.sweep = List.of(p("diffusivity", 0.0, 1.0), p("windX", -1.0, 1.0));
    return s;
  }

  @Test
  void withoutRegionsEveryParameterCoversItsRangeOnceAcrossTheTasks() {
    List<TaskSpec> tasks = BurstRequests.of(burst(spec(4)), null, null).getTasksList();
    assertThat(tasks).extracting(t -> t.getParams().getValuesMap().get("diffusivity"))
        .containsExactlyInAnyOrder(0.125, 0.375, 0.625, 0.875);
  }

  @Test
  void regionsSpreadTheTasksRoundRobinEachBoxWithItsOwnDesign() {
    SimulationBurstSpec s = spec(7);
    SimulationBurstSpec.SweepRegion low = new SimulationBurstSpec.SweepRegion();
    low.bounds = new ArrayList<>(List.of(p("diffusivity", 0.0, 0.5), p("windX", -1.0, 0.0)));
    SimulationBurstSpec.SweepRegion high = new SimulationBurstSpec.SweepRegion();
    high.bounds = new ArrayList<>(List.of(p("diffusivity", 0.5, 1.0))); // windX not named: its whole range
    s.regions = List.of(low, high);
    List<TaskSpec> tasks = BurstRequests.of(burst(s), null, null).getTasksList();
    assertThat(tasks).hasSize(7);
    List<Double> lowD = new ArrayList<>();
    List<Double> highWind = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      Map<String, Double> v = tasks.get(i).getParams().getValuesMap();
      if (i % 2 == 0) {
        assertThat(v.get("diffusivity")).isBetween(0.0, 0.5);
        assertThat(v.get("windX")).isBetween(-1.0, 0.0);
        lowD.add(v.get("diffusivity"));
      } else {
        assertThat(v.get("diffusivity")).isBetween(0.5, 1.0);
        highWind.add(v.get("windX"));
      }
    }
    // four tasks in the first box (7 = 4 + 3), a Latin hypercube over its half of diffusivity
    assertThat(lowD).containsExactlyInAnyOrder(0.0625, 0.1875, 0.3125, 0.4375);
    assertThat(highWind).hasSize(3).allSatisfy(w -> assertThat(w).isBetween(-1.0, 1.0));
    assertThat(highWind).anySatisfy(w -> assertThat(w).isGreaterThan(0.0));
    assertThat(BurstRequests.of(burst(s), null, null)).as("the same burst, the same points").isEqualTo(BurstRequests.of(burst(s), null, null));
  }
}
