package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurstSpecBoundsTest {
  private static SimulationBurstSpec.SweepParameter p(String name, double min, double max) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = min;
    p.max = max;
    return p;
  }

  private static SimulationBurstSpec.SweepRegion box(SimulationBurstSpec.SweepParameter... bounds) {
    SimulationBurstSpec.SweepRegion r = new SimulationBurstSpec.SweepRegion();
    r.bounds = new ArrayList<>(List.of(bounds));
    return r;
  }

  private static SimulationBurstSpec spec() {
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = 2;
    s.sweep = List.of(p("windX", -1, 1));
    return s;
  }

  @Test
  void regionsInsideTheSweepPass() {
    SimulationBurstSpec s = spec();
    s.regions = List.of(box(p("windX", -1, 0)), box(p("windX", 0, 1)));
    assertThat(BurstSpecBounds.problems(s)).isEmpty();
  }

  @Test
  void aRegionOutsideTheSweepOrOnAnUnsweptParameterIsNamed() {
    SimulationBurstSpec s = spec();
    s.regions = List.of(box(p("windX", -2, 0)), box(p("windY", 0, 1)));
    assertThat(BurstSpecBounds.problems(s))
        .anySatisfy(m -> assertThat(m).startsWith("spec.regions[0].bounds[0] windX [-2.0, 0.0] must lie inside the sweep's [-1.0, 1.0]"))
        .anySatisfy(m -> assertThat(m).startsWith("spec.regions[1].bounds[0].name 'windY' is not swept"));
    s.regions = List.of(box(p("windX", 0.5, 0.2)));
    assertThat(BurstSpecBounds.problems(s)).singleElement().asString().contains("with min <= max");
    s.regions = List.of(box(p("windX", Double.NaN, 0)));
    assertThat(BurstSpecBounds.problems(s)).anySatisfy(m -> assertThat(m).startsWith("spec.regions[0].bounds[0].min must be a finite"));
  }

  @Test
  void moreRegionsThanTasksOrAnEmptyBoxIsRefused() {
    SimulationBurstSpec s = spec();
    s.regions = List.of(box(p("windX", -1, 0)), box(p("windX", 0, 1)), box(p("windX", 0, 1)));
    assertThat(BurstSpecBounds.problems(s)).singleElement().asString().startsWith("spec.regions has 3 boxes for 2 tasks");
    s.regions = List.of(box());
    assertThat(BurstSpecBounds.problems(s)).singleElement().asString().startsWith("spec.regions[0].bounds must list between 1 and 8");
  }
}
