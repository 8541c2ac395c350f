package io.fedmesh.hpc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler with real processes (sleep, sh) in local slots. */
class AsyncSchedulerTest {
  @TempDir Path logs;

  static TaskNode sleep(String name, int stage, double seconds, String... deps) {
    return new TaskNode(name, "k", stage, List.of(deps), 1, seconds, List.of("sleep", String.valueOf(seconds)));
  }

  AsyncScheduler scheduler(int cores) {
    return new AsyncScheduler(new LocalProcessLauncher(logs), cores);
  }

  @Test
  void asyncOverlapsStagesThatBarrierSerializes() throws Exception {
    // long-a -> short post ; short-b -> long post, on 2 cores
    TaskGraph g = new TaskGraph(List.of(sleep("sim-a", 0, 1.0), sleep("sim-b", 0, 0.2),
        sleep("post-a", 1, 0.2, "sim-a"), sleep("post-b", 1, 1.0, "sim-b")));
    ScheduleResult barrier = scheduler(2).run(g, ExecutionMode.BARRIER);
    ScheduleResult async = scheduler(2).run(g, ExecutionMode.ASYNC);
    assertThat(barrier.makespanSeconds()).isGreaterThan(1.9);
    assertThat(async.makespanSeconds()).isLessThan(1.6);
    assertThat(async.utilization()).isGreaterThan(barrier.utilization());
    TaskRecord postB = async.tasks().stream().filter(t -> t.name().equals("post-b")).findFirst().orElseThrow();
    TaskRecord simA = async.tasks().stream().filter(t -> t.name().equals("sim-a")).findFirst().orElseThrow();
    assertThat(postB.start()).as("post-b starts before sim-a ends").isLessThan(simA.end());
    assertThat(barrier.predictedMakespanSeconds()).isEqualTo(2.0);
    assertThat(async.predictedMakespanSeconds()).isEqualTo(1.2);
  }

  @Test
  void neverRunsMoreThanTheCoresAllow() throws Exception {
    TaskGraph g = new TaskGraph(List.of(sleep("a", 0, 0.3), sleep("b", 0, 0.3), sleep("c", 0, 0.3)));
    ScheduleResult r = scheduler(1).run(g, ExecutionMode.ASYNC);
    assertThat(r.makespanSeconds()).isGreaterThan(0.85);
    List<TaskRecord> t = r.tasks();
    for (int i = 0; i < t.size(); i++) {
      for (int j = i + 1; j < t.size(); j++) {
        boolean overlap = t.get(i).start() < t.get(j).end() - 0.01 && t.get(j).start() < t.get(i).end() - 0.01;
        assertThat(overlap).as(t.get(i).name() + " and " + t.get(j).name()).isFalse();
      }
    }
    assertThat(r.utilization()).isGreaterThan(0.8);
  }

  @Test
  void aFailedTaskCancelsItsDependentsAndTheRestCarriesOn() throws Exception {
    TaskGraph g = new TaskGraph(List.of(
        new TaskNode("bad", "simulate", 0, List.of(), 1, 0.1, List.of("sh", "-c", "echo bad diffusivity >&2; exit 3")),
        sleep("good", 0, 0.1),
        sleep("after-bad", 1, 0.1, "bad"),
        sleep("after-good", 1, 0.1, "good")));
    ScheduleResult r = scheduler(2).run(g, ExecutionMode.ASYNC);
    assertThat(r.tasks()).filteredOn(t -> t.name().equals("bad")).singleElement()
        .satisfies(t -> {
          assertThat(t.state()).isEqualTo(TaskRecord.State.FAILED);
          assertThat(t.exitCode()).isEqualTo(3);
        });
    assertThat(r.tasks()).filteredOn(t -> t.name().equals("after-bad")).singleElement()
        .satisfies(t -> assertThat(t.state()).isEqualTo(TaskRecord.State.CANCELLED));
    assertThat(r.count(TaskRecord.State.SUCCEEDED)).isEqualTo(2);
    assertThat(logs.resolve("bad.log")).content().contains("bad diffusivity");
  }
}
