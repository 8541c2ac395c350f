package io.fedmesh.common.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceSimulationTest {
  @Test
  void aTasksCostIsItsCellsTimesItsStableSteps() {
    // defaults: diffusivity 0.01, wind (0.5, 0.2), duration 0.5; on 32 x 32 dt = 1 / (0.7 * 32 + 4 * 0.01 * 1024) = 1 / 63.36
    assertThat(ReferenceSimulation.cellUpdates(Map.of(), 32, 1)).isEqualTo(32 * 32 * Math.ceil(0.5 * 63.36));
    assertThat(ReferenceSimulation.cellUpdates(Map.of(), 32, 1000)).as("more steps asked than stability needs").isEqualTo(32 * 32 * 1000.0);
    double calm = ReferenceSimulation.cellUpdates(Map.of("diffusivity", 0.005, "windX", 0.0, "windY", 0.0), 128, 1);
    double stormy = ReferenceSimulation.cellUpdates(Map.of("diffusivity", 0.03, "windX", 1.0, "windY", 0.5), 128, 1);
    assertThat(stormy / calm).isGreaterThan(6); // the diffusion limit scales with D / dx^2
  }
}
