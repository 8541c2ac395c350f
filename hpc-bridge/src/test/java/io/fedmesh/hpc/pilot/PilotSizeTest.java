package io.fedmesh.hpc.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PilotSizeTest {
  private static TaskNode task(String name, List<String> deps, int cores, int gpus, int walltime) {
    return new TaskNode(name, "simulate", deps.isEmpty() ? 0 : 1, deps, cores, 0, List.of("true"), 1, gpus, walltime);
  }

  @Test
  void theTimeLimitIsWorkOverCoresPlusTheLongestWalltimeChainPlusTheAgentsStart() {
    // 4 x 100 s of one core and a 2-core 50 s task after two of them, on 4 slots
    TaskGraph g = new TaskGraph(List.of(task("a", List.of(), 1, 0, 100), task("b", List.of(), 1, 0, 100), task("c", List.of(), 1, 0, 100),
        task("d", List.of(), 1, 1, 100), task("e", List.of("a", "b"), 2, 0, 50)));
    PilotSize s = PilotSize.of(g, 4);
    assertThat(s.cores()).isEqualTo(4);
    assertThat(s.gpus()).isEqualTo(1);
    assertThat(s.timeSeconds()).isEqualTo((400 + 100) / 4 + 150 + PilotSize.AGENT_START_SECONDS);
  }

  @Test
  void coresAreNoMoreThanTheTasksFillNorFewerThanTheWidestAndNoWalltimeMeansNoLimit() {
    assertThat(PilotSize.of(new TaskGraph(List.of(task("a", List.of(), 1, 0, 10))), 16).cores()).isEqualTo(1);
    assertThat(PilotSize.of(new TaskGraph(List.of(task("a", List.of(), 8, 0, 10))), 4).cores()).isEqualTo(8);
    assertThat(PilotSize.of(new TaskGraph(List.of(task("a", List.of(), 1, 0, 0), task("b", List.of(), 1, 0, 10))), 4).timeSeconds())
        .isZero();
    assertThat(PilotSize.of(new TaskGraph(List.of(task("a", List.of(), 1, 0, 604800), task("b", List.of("a"), 1, 0, 604800))), 1)
        .timeSeconds()).isEqualTo(PilotSize.MAX_SECONDS);
  }
}
