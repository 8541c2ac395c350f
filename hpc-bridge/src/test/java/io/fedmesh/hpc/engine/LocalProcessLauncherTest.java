package io.fedmesh.hpc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessLauncherTest {
  @TempDir Path tmp;

  /** A task that starts a grandchild (a background sleep), records its pid, and would run for a minute. */
  TaskNode sleeper(String name, int walltimeSeconds) {
    Path pid = tmp.resolve(name + ".child");
    return new TaskNode(name, "simulate", 0, List.of(), 1, 0,
        List.of("/bin/sh", "-c", "sleep 60 & echo $! > \"$1\"; wait", "task", pid.toString()), 1, 0, walltimeSeconds);
  }

  @Test
  void aTaskPastItsWalltimeIsKilledWithItsChildrenAndReportedAsTimeout() throws Exception {
    LocalProcessLauncher launcher = new LocalProcessLauncher(tmp.resolve("logs"), tmp.resolve("out"));
    long t0 = System.nanoTime();
    CompletableFuture<Integer> f = launcher.launch(sleeper("slow", 1));
    assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LocalProcessLauncher.WalltimeExceededException.class)
        .hasMessageContaining("TIMEOUT: task slow ran past its walltime of 1 s");
    assertThat((System.nanoTime() - t0) / 1e9).as("killed, not waited for").isLessThan(20);
    long child = Long.parseLong(Files.readString(tmp.resolve("slow.child")).trim());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    assertThat(tmp.resolve("logs/slow.timeout")).as("a restarted bridge can tell too").exists();
  }

  @Test
  void aTaskWithinItsWalltimeEndsWithItsExitCode() throws Exception {
    LocalProcessLauncher launcher = new LocalProcessLauncher(tmp.resolve("logs"), tmp.resolve("out"));
    TaskNode quick = new TaskNode("quick", "simulate", 0, List.of(), 1, 0, List.of("/bin/sh", "-c", "exit 3"), 1, 0, 30);
    assertThat(launcher.launch(quick).get(30, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(tmp.resolve("logs/quick.timeout")).doesNotExist();
  }

  @Test
  void theSchedulerRecordsATimedOutTaskAsFailedWithTheReason() throws Exception {
    LocalProcessLauncher launcher = new LocalProcessLauncher(tmp.resolve("logs"), tmp.resolve("out"));
    ScheduleResult r = new AsyncScheduler(launcher, 2).run(new TaskGraph(List.of(sleeper("slow", 1))), ExecutionMode.ASYNC);
    TaskRecord rec = r.tasks().get(0);
    assertThat(rec.state()).isEqualTo(TaskRecord.State.FAILED);
    assertThat(rec.message()).startsWith("TIMEOUT: task slow");
  }

  @Test
  void aTaskNameCannotPlaceItsLogOutsideTheLogDirectory() {
    LocalProcessLauncher launcher = new LocalProcessLauncher(tmp.resolve("logs"), tmp.resolve("out"));
    TaskNode evil = new TaskNode("../evil", "simulate", 0, List.of(), 1, 0, List.of("/bin/true"));
    assertThatThrownBy(() -> launcher.launch(evil)).hasMessageContaining("contains '..'");
    assertThat(tmp.resolve("evil.log")).doesNotExist();
  }
}
