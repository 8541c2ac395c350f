package io.fedmesh.hpc.pilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent and the bridge's connection talking through real files, with real processes forked. */
class PilotAgentTest {
  @TempDir Path dir;

  /** The agent on its own thread, as its main thread in an allocation (Process.onExit needs the common pool free). */
  private CompletableFuture<Integer> agent(Duration idle) {
    return CompletableFuture.supplyAsync(() -> {
      try (PilotAgent a = new PilotAgent(dir, idle)) {
        return a.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, r -> Thread.ofPlatform().daemon().name("agent-under-test").start(r));
  }

  private PilotProtocol.Task task(String name, int walltime, String... argv) {
    return new PilotProtocol.Task(name, List.of(argv), dir.resolve("logs").resolve(name + ".log"), dir.resolve("out").resolve(name + ".csv"),
        walltime);
  }

  @Test
  void tasksRunWithTheirExitCodesOutputAndLogsThenEndReleasesTheAgent() throws Exception {
    CompletableFuture<Integer> agent = agent(Duration.ofMinutes(1));
    try (PilotConnection c = new PilotConnection(dir, "1")) {
      AtomicBoolean started = new AtomicBoolean();
      CompletableFuture<Integer> ok = c.follow("ok", () -> started.set(true));
      CompletableFuture<Integer> three = c.follow("three", () -> { });
      CompletableFuture<Integer> missing = c.follow("missing", () -> { });
      c.send(List.of(task("ok", 0, "sh", "-c", "echo hello; echo 1,2 > \"$FEDMESH_OUTPUT\""), task("three", 0, "sh", "-c", "exit 3"),
          task("missing", 0, dir.resolve("no-such-program").toString())));
      assertThat(ok.get(20, TimeUnit.SECONDS)).isZero();
      assertThat(three.get(20, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(missing).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
          .withMessageContaining("did not start in pilot 1").withMessageContaining("no-such-program");
      assertThat(started).isTrue();
      assertThat(c.ready()).isTrue();
      assertThat(Files.readString(dir.resolve("logs/ok.log"))).isEqualTo("hello\n");
      assertThat(Files.readString(dir.resolve("out/ok.csv"))).isEqualTo("1,2\n");
      c.end();
      assertThat(agent.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aTaskPastItsWalltimeIsKilledWithItsChildrenAndReportedAsTimeout() throws Exception {
    CompletableFuture<Integer> agent = agent(Duration.ofMinutes(1));
    try (PilotConnection c = new PilotConnection(dir, "2")) {
      CompletableFuture<Integer> slow = c.follow("slow", () -> { });
      long t0 = System.nanoTime();
      c.send(List.of(task("slow", 1, "sh", "-c", "sleep 60 & wait")));
      assertThat(slow).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
          .withMessageContaining("TIMEOUT: task slow ran past its walltime of 1 s");
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
      c.cancel();
      assertThat(agent.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void cancelKillsWhatRunsAndTheAgentLeaves() throws Exception {
    CompletableFuture<Integer> agent = agent(Duration.ofMinutes(1));
    try (PilotConnection c = new PilotConnection(dir, "3")) {
      AtomicBoolean started = new AtomicBoolean();
      CompletableFuture<Integer> sleeper = c.follow("sleeper", () -> started.set(true));
      c.send(List.of(task("sleeper", 0, "sleep", "60")));
      await().atMost(Duration.ofSeconds(20)).untilTrue(started);
      c.cancel();
      assertThat(sleeper.get(20, TimeUnit.SECONDS)).isNotZero();
      assertThat(agent.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aReopenedConnectionAnswersFinishedTasksFromTheFilesAndNeverSendsThemAgain() throws Exception {
    Path runs = dir.resolve("runs.txt");
    CompletableFuture<Integer> agent = agent(Duration.ofMinutes(1));
    PilotProtocol.Task once = task("once", 0, "sh", "-c", "echo ran >> '" + runs + "'; exit 4");
    try (PilotConnection first = new PilotConnection(dir, "4")) {
      CompletableFuture<Integer> f = first.follow("once", () -> { });
      first.send(List.of(once));
      assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(4);
    }
    // a restarted bridge: a new connection on the same files
    try (PilotConnection second = new PilotConnection(dir, "4")) {
      assertThat(second.handedOver("once")).isTrue();
      AtomicBoolean started = new AtomicBoolean();
      assertThat(second.follow("once", () -> started.set(true)).get(5, TimeUnit.SECONDS)).isEqualTo(4);
      assertThat(started).isTrue();
      second.send(List.of(once)); // a resend is dropped
      CompletableFuture<Integer> next = second.follow("next", () -> { });
      second.send(List.of(task("next", 0, "true")));
      assertThat(next.get(20, TimeUnit.SECONDS)).isZero();
      second.end();
      assertThat(agent.get(20, TimeUnit.SECONDS)).isZero();
    }
    assertThat(Files.readAllLines(runs, StandardCharsets.UTF_8)).containsExactly("ran");
  }

  @Test
  void whenTheAllocationEndsUnfinishedTasksFailWithTheReasonAndFinishedOnesKeepTheirCode() throws Exception {
    CompletableFuture<Integer> agent = agent(Duration.ofMinutes(1));
    try (PilotConnection c = new PilotConnection(dir, "5")) {
      CompletableFuture<Integer> quick = c.follow("quick", () -> { });
      AtomicBoolean started = new AtomicBoolean();
      CompletableFuture<Integer> longer = c.follow("longer", () -> started.set(true));
      c.send(List.of(task("quick", 0, "true"), task("longer", 0, "sleep", "60")));
      assertThat(quick.get(20, TimeUnit.SECONDS)).isZero();
      await().atMost(Duration.ofSeconds(20)).untilTrue(started);
      c.allocationEnded("pilot allocation 5 ended (TIMEOUT)");
      assertThat(longer).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
          .withMessageContaining("task longer: pilot allocation 5 ended (TIMEOUT)");
      assertThat(c.follow("quick", () -> { }).get(1, TimeUnit.SECONDS)).isZero();
      c.cancel();
      agent.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleAgentLeavesByItselfAndRefusesHostileInboxLines() throws Exception {
    Files.writeString(dir.resolve("inbox"), "rm\t-rf\ntask\t..%2Fetc\t0\t%2Ftmp%2Fx\t\ttrue\n");
    CompletableFuture<Integer> agent = agent(Duration.ofMillis(300));
    assertThat(agent.get(20, TimeUnit.SECONDS)).isZero();
    assertThat(Files.readString(dir.resolve("events"))).startsWith("ready\t").doesNotContain("started");
  }
}
