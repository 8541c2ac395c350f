package io.fedmesh.hpc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.hpc.bench.DeepDriveWorkload;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskGraphTest {
  static TaskNode t(String name, int stage, double seconds, String... deps) {
    return new TaskNode(name, "k", stage, List.of(deps), 1, seconds, List.of("true"));
  }

  @Test
  void aTenThousandTaskChainIsOrderedWithoutOverflowingTheStack() throws Exception {
    java.util.List<TaskNode> chain = new java.util.ArrayList<>();
    chain.add(t("t0", 0, 1));
    for (int i = 1; i < 10_000; i++) {
      chain.add(t("t" + i, 0, 1, "t" + (i - 1)));
    }
    java.util.Collections.reverse(chain); // the deepest walk: the first task depends on all the others
    // a small stack, like a busy server thread's: the order must not need one frame per task
    Thread small = new Thread(null, () -> assertThat(new TaskGraph(chain).topologicalOrder().get(0).name()).isEqualTo("t0"),
        "small-stack", 256 * 1024);
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    small.setUncaughtExceptionHandler((th, e) -> failed.set(e));
    small.start();
    small.join();
    assertThat(failed.get()).isNull();
    assertThatThrownBy(() -> new TaskGraph(List.of(t("a", 0, 1, "c"), t("b", 0, 1, "a"), t("c", 0, 1, "b"))))
        .hasMessageContaining("tasks form a cycle: a -> c -> b -> a");
  }

  @Test
  void rejectsUnknownDependenciesCyclesAndDuplicatesNamingTheTask() {
    assertThatThrownBy(() -> new TaskGraph(List.of(t("a", 0, 1, "ghost")))).hasMessageContaining("task a depends on unknown task ghost");
    assertThatThrownBy(() -> new TaskGraph(List.of(t("a", 0, 1, "b"), t("b", 0, 1, "a")))).hasMessageContaining("cycle");
    assertThatThrownBy(() -> new TaskGraph(List.of(t("a", 0, 1), t("a", 0, 1)))).hasMessageContaining("used twice");
    assertThatThrownBy(() -> new TaskGraph(List.of(t("a", 1, 1, "b"), t("b", 2, 1)))).hasMessageContaining("later stage");
  }

  @Test
  void predictsFromCriticalPathAndWork() {
    // a(3) -> c(1); b(1) -> c ; on 1 core the work bound (5) dominates, on 4 the critical path (4)
    TaskGraph g = new TaskGraph(List.of(t("a", 0, 3), t("b", 0, 1), t("c", 1, 1, "a", "b")));
    assertThat(g.criticalPathSeconds()).isEqualTo(4);
    assertThat(g.predictedMakespan(ExecutionMode.ASYNC, 1)).isEqualTo(5);
    assertThat(g.predictedMakespan(ExecutionMode.ASYNC, 4)).isEqualTo(4);
    assertThat(g.predictedMakespan(ExecutionMode.BARRIER, 4)).isEqualTo(4);
  }

  @Test
  void theDeepDriveWorkloadIsPredictedFasterAsync() {
    TaskGraph g = DeepDriveWorkload.graph(1.0);
    assertThat(g.tasks()).hasSize(19);
    double barrier = g.predictedMakespan(ExecutionMode.BARRIER, 4);
    double async = g.predictedMakespan(ExecutionMode.ASYNC, 4);
    // barrier, stage by stage: max(5, 13/4) + max(0.5, 4/4) + max(4, 12/4) + max(1, 1/4) = 11
    assertThat(barrier).isCloseTo(11.0, within(1e-9));
    // async: max(critical path 5 + 0.5 + 2 + 1 (and 1 + 0.5 + 4 + 1), work 30 / 4) = 8.5
    assertThat(async).isCloseTo(8.5, within(1e-9));
  }

  @Test
  void upwardRankIsTheLongestChainFromATask() {
    TaskGraph g = new TaskGraph(List.of(t("a", 0, 3), t("b", 0, 1), t("c", 1, 2, "a", "b")));
    assertThat(g.upwardRanks()).containsEntry("a", 5.0).containsEntry("b", 3.0).containsEntry("c", 2.0);
  }
}
