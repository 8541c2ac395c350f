package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ExecutionMode;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.engine.TaskRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task engine on a real Slurm (started by scripts/test.sh through hpc-bridge/scripts/slurm-up.sh). */
class SlurmIT {
  @TempDir Path logs;

  @BeforeAll
  static void needsSlurm() {
    String conf = System.getenv("SLURM_CONF");
    if (conf == null) {
      System.out.println("SKIPPED SlurmIT: SLURM_CONF is not set; start Slurm with hpc-bridge/scripts/slurm-up.sh"
          + " (./fedmesh test does it when slurm-wlm is installed)");
    }
    io.fedmesh.hpc.RequiredInCi.assume(conf != null, "SLURM_CONF not set: start Slurm with hpc-bridge/scripts/slurm-up.sh");
  }

  static TaskNode sleep(String name, int stage, double seconds, String... deps) {
    return new TaskNode(name, "k", stage, List.of(deps), 1, seconds, List.of("sleep", String.valueOf(seconds)));
  }

  /** The private Slurm runs only these tests' jobs: whatever a failed test left behind must not block the next one. */
  @org.junit.jupiter.api.AfterEach
  void cancelLeftovers() {
    new CommandRunner(Duration.ofSeconds(10)).run(List.of("scancel", "-u", System.getProperty("user.name")));
  }

  @Test
  void anEnsembleOfEightRunsAndABadTaskIsReportedWithItsExitCode() throws Exception {
    List<TaskNode> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(sleep("sim-" + i, 0, 0.5));
    }
    tasks.add(new TaskNode("sim-bad", "simulate", 0, List.of(), 1, 0.1, List.of("sh", "-c", "echo 'diffusivity must be >= 0' >&2; exit 2")));
    tasks.add(sleep("post-bad", 1, 0.1, "sim-bad"));
    try (SlurmLauncher slurm = new SlurmLauncher(logs, null, Duration.ofMillis(300))) {
      ScheduleResult r = new AsyncScheduler(slurm, 4).run(new TaskGraph(tasks), ExecutionMode.ASYNC);
      assertThat(r.count(TaskRecord.State.SUCCEEDED)).isEqualTo(8);
      assertThat(r.tasks()).filteredOn(t -> t.name().equals("sim-bad")).singleElement().satisfies(t -> {
        assertThat(t.state()).isEqualTo(TaskRecord.State.FAILED);
        assertThat(t.exitCode()).isEqualTo(2);
      });
      assertThat(r.tasks()).filteredOn(t -> t.name().equals("post-bad")).singleElement()
          .satisfies(t -> assertThat(t.state()).isEqualTo(TaskRecord.State.CANCELLED));
      assertThat(logs.resolve("sim-bad.log")).content().contains("diffusivity must be >= 0");
    }
  }

  @Test
  void asyncBeatsBarrierOnAHeterogeneousGraph() throws Exception {
    TaskGraph g = new TaskGraph(List.of(sleep("sim-a", 0, 3.0), sleep("sim-b", 0, 0.5),
        sleep("post-a", 1, 0.5, "sim-a"), sleep("post-b", 1, 3.0, "sim-b")));
    try (SlurmLauncher slurm = new SlurmLauncher(logs, null, Duration.ofMillis(300))) {
      ScheduleResult barrier = new AsyncScheduler(slurm, 2).run(g, ExecutionMode.BARRIER);
      ScheduleResult async = new AsyncScheduler(slurm, 2).run(g, ExecutionMode.ASYNC);
      assertThat(async.makespanSeconds()).isLessThan(barrier.makespanSeconds());
    }
  }

  @Test
  void slurmsOwnErrorReachesTheCaller() {
    try (SlurmLauncher slurm = new SlurmLauncher(logs, "no-such-partition", Duration.ofMillis(300))) {
      assertThatThrownBy(() -> slurm.launch(sleep("x", 0, 0.1)).join()).hasMessageContaining("sbatch refused task x")
          .hasMessageContaining("partition");
    }
  }

  @Test
  void tasksThatStartTogetherGoToSlurmAsOneJobArray() throws Exception {
    List<TaskNode> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(new TaskNode("member-" + i, "simulate", 0, List.of(), 1, 0.5,
          List.of("sh", "-c", "echo \"element $SLURM_ARRAY_TASK_ID\"; echo 'x,label' > \"$FEDMESH_OUTPUT\"")));
    }
    tasks.add(new TaskNode("member-bad", "simulate", 0, List.of(), 1, 0.5, List.of("sh", "-c", "echo broken >&2; exit 3")));
    Path out = logs.resolve("out");
    try (SlurmLauncher slurm = new SlurmLauncher(logs, null, Duration.ofMillis(300), out)) {
      java.util.Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();
      var futures = slurm.launchAll(tasks, (t, id) -> ids.put(t.name(), id));
      List<Integer> codes = new ArrayList<>();
      for (var f : futures) {
        codes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(codes).containsExactly(0, 0, 0, 0, 0, 3);
      assertThat(ids.values().stream().map(id -> id.substring(0, id.indexOf('_'))).distinct()).as("one sbatch: %s", ids).hasSize(1);
      assertThat(ids.get("member-3")).endsWith("_3");
      assertThat(logs.resolve("member-3.log")).content().contains("element 3");
      assertThat(logs.resolve("member-bad.log")).content().contains("broken");
      assertThat(out.resolve("member-4.csv")).exists();
    }
  }
}
