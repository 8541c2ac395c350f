package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.TestApplications;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.CancelBurstRequest;
import io.fedmesh.proto.hpc.v1.Execution;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pilot bursts (execution: pilot) through the whole bridge on the real private Slurm: a task graph
 * with dependencies inside one allocation, a bridge restarted mid-burst, and Cancel.
 */
class PilotOnSlurmIT {
  /** quick: ends at once (it takes the burst's options and ignores them); timed: appends "start {task} <time>" and "end {task} <time>" to {runs} around a sleep of {seconds}. */
  static final ApplicationAllowlist APPLICATIONS = ApplicationAllowlist.builtIn(new SimulationLauncher())
      .with(TestApplications.script("timed", "echo \"start $2 $(date +%s.%N)\" >> \"$1\"; sleep \"$3\";"
          + " echo \"end $2 $(date +%s.%N)\" >> \"$1\"", "{runs}", "{task}", "{seconds}"))
      .with(TestApplications.script("quick", "true", "{runs}", "{seconds}"));

  @TempDir Path work;

  @BeforeAll
  static void needsSlurm() {
    String conf = System.getenv("SLURM_CONF");
    if (conf == null) {
      System.out.println("SKIPPED PilotOnSlurmIT: SLURM_CONF is not set; start Slurm with hpc-bridge/scripts/slurm-up.sh");
    }
    io.fedmesh.hpc.RequiredInCi.assume(conf != null, "SLURM_CONF not set: start Slurm with hpc-bridge/scripts/slurm-up.sh");
  }

  /** One bridge process as `fedmesh bridge --backend slurm` builds it. */
  record Bridge(SlurmPoller poller, HpcBridgeService service, GrpcServerRunner server, ManagedChannel channel) implements AutoCloseable {
    static Bridge start(Path work, int cores) {
      SlurmPoller poller = new SlurmPoller(Duration.ofMillis(300));
      HpcBridgeService svc = new HpcBridgeService(work, cores, "slurm", new SlurmLaunchers(poller, null, cores),
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), APPLICATIONS);
      GrpcServerRunner server = GrpcServerRunner.start("pilot-slurm-test", new HostPort("127.0.0.1", 0), null, List.of(svc));
      return new Bridge(poller, svc, server, ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    }

    HpcBridgeGrpc.HpcBridgeBlockingStub stub() {
      return HpcBridgeGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    BurstStatus get(String uid) {
      return stub().get(GetBurstRequest.newBuilder().setBurstUid(uid).build());
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.close();
      service.close();
      poller.close();
    }
  }

  @AfterEach
  void cancelLeftovers() {
    new CommandRunner(Duration.ofSeconds(10)).run(List.of("scancel", "-u", System.getProperty("user.name")));
  }

  private static TaskSpec.Builder timed(String name, int stage, String... deps) {
    return TaskSpec.newBuilder().setName(name).setKind(stage == 0 ? "simulate" : "postprocess").setStage(stage).setRanks(1)
        .setCpusPerRank(1).setApplication("timed").addAllDependsOn(List.of(deps));
  }

  private static Map<String, Double> times(List<String> lines, String kind) {
    Map<String, Double> m = new HashMap<>();
    lines.stream().map(l -> l.split(" ")).filter(f -> f[0].equals(kind)).forEach(f -> m.put(f[1], Double.parseDouble(f[2])));
    return m;
  }

  private static boolean pilotQueued(String jobId) {
    return new CommandRunner(Duration.ofSeconds(10)).run(List.of("squeue", "-h", "-o", "%i")).stdout().lines()
        .anyMatch(l -> l.strip().equals(jobId));
  }

  @Test
  void aTaskGraphRunsInsideOneAllocationEachSuccessorStartingMillisecondsAfterItsInputs() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("pilot-graph").setBurstName("default/g")
        .setExecution(Execution.EXECUTION_PILOT).putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "1");
    for (int i = 0; i < 4; i++) {
      req.addTasks(timed("sim-" + i, 0));
    }
    req.addTasks(timed("post-0", 1, "sim-0")).addTasks(timed("post-1", 1, "sim-1"))
        .addTasks(timed("final", 2, "post-0", "post-1", "sim-2", "sim-3"));
    try (Bridge b = Bridge.start(work, 4)) {
      assertThat(b.stub().submit(req.build()).getCreated()).isTrue();
      await().atMost(Duration.ofMinutes(2)).until(() -> b.get("pilot-graph").getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED
          || b.get("pilot-graph").getPhase() == BurstPhase.BURST_PHASE_FAILED);
      BurstStatus st = b.get("pilot-graph");
      assertThat(st.getSucceeded()).as(st.toString()).isEqualTo(7);
      List<String> jobIds = st.getTasksList().stream().map(TaskEvent::getJobId).distinct().toList();
      assertThat(jobIds).as("every task ran in the one pilot allocation").singleElement().asString().matches("\\d+");
      List<String> lines = Files.readAllLines(runs);
      Map<String, Double> start = times(lines, "start");
      Map<String, Double> end = times(lines, "end");
      assertThat(start).hasSize(7);
      for (var dep : Map.of("post-0", List.of("sim-0"), "post-1", List.of("sim-1"),
          "final", List.of("post-0", "post-1", "sim-2", "sim-3")).entrySet()) {
        double ready = dep.getValue().stream().mapToDouble(end::get).max().orElseThrow();
        assertThat(start.get(dep.getKey())).as(dep.getKey() + " starts after its inputs end").isGreaterThanOrEqualTo(ready);
        // a Slurm job per task takes about a second here (scheduler cycle, then our poll); in the pilot it is milliseconds
        assertThat(start.get(dep.getKey()) - ready).as(dep.getKey() + ": the hop from its last input").isLessThan(0.5);
      }
      // the burst ended: the agent leaves and the allocation is given back
      await().atMost(Duration.ofSeconds(30)).until(() -> !pilotQueued(jobIds.get(0)));
    }
  }

  @Test
  void aBridgeRestartedMidBurstFollowsThePilotAndRunsEveryTaskOnce() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("pilot-restart").setBurstName("default/r")
        .setExecution(Execution.EXECUTION_PILOT).putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "2");
    for (int i = 0; i < 6; i++) {
      req.addTasks(timed("t" + i, 0));
    }
    req.addTasks(timed("after", 1, "t0", "t5"));
    try (Bridge first = Bridge.start(work, 2)) {
      first.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(60)).until(() -> first.get("pilot-restart").getRunning() == 2);
    } // stops with 2 tasks running in the pilot and 5 never handed over
    try (Bridge second = Bridge.start(work, 2)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> second.get("pilot-restart").getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED);
      BurstStatus st = second.get("pilot-restart");
      assertThat(st.getSucceeded()).isEqualTo(7);
      List<String> started = Files.readAllLines(runs).stream().filter(l -> l.startsWith("start ")).map(l -> l.split(" ")[1]).toList();
      assertThat(started).as("each task ran once").containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5", "after");
      assertThat(st.getTasksList().stream().map(TaskEvent::getJobId).distinct()).as("the second bridge used the same pilot").hasSize(1);
    }
  }

  @Test
  void whenThePilotIsGoneAcrossARestartItsUnfinishedTaskFailsNamingItAndTheRestGetANewPilot() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("pilot-gone").setBurstName("default/p")
        .setExecution(Execution.EXECUTION_PILOT).putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "60");
    req.addTasks(timed("a-first", 0));
    for (int i = 0; i < 2; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("later" + i).setKind("simulate").setRanks(1).setCpusPerRank(1).setApplication("quick"));
    }
    String oldPilot;
    try (Bridge first = Bridge.start(work, 1)) {
      first.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(60)).until(() -> first.get("pilot-gone").getRunning() == 1);
      oldPilot = first.get("pilot-gone").getTasksList().stream().map(TaskEvent::getJobId).filter(id -> !id.isEmpty()).findFirst()
          .orElseThrow();
    } // one core: the two quick tasks were never handed over
    // while no bridge runs, the allocation goes (an admin's scancel, a node failure)
    new CommandRunner(Duration.ofSeconds(10)).run(List.of("scancel", oldPilot));
    await().atMost(Duration.ofSeconds(30)).until(() -> !pilotQueued(oldPilot));
    try (Bridge second = Bridge.start(work, 1)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> second.get("pilot-gone").getPhase() == BurstPhase.BURST_PHASE_FAILED);
      BurstStatus st = second.get("pilot-gone");
      TaskEvent first = st.getTasksList().stream().filter(e -> e.getTask().equals("a-first")).findFirst().orElseThrow();
      assertThat(first.getState()).isEqualTo(io.fedmesh.proto.hpc.v1.TaskState.TASK_STATE_FAILED);
      // scancel's SIGTERM reaches the task too: the agent may still record its exit (143) before it goes itself
      assertThat(first.getMessage()).satisfiesAnyOf(m -> assertThat(m).contains("pilot allocation " + oldPilot + " ended before it finished"),
          m -> assertThat(m).isEqualTo("exit code 143"));
      assertThat(st.getSucceeded()).as("the tasks never handed over ran in a new pilot").isEqualTo(2);
      assertThat(st.getTasksList().stream().filter(e -> e.getTask().startsWith("later")).map(TaskEvent::getJobId))
          .allSatisfy(id -> assertThat(id).isNotEqualTo(oldPilot).matches("\\d+"));
    }
  }

  @Test
  void cancelKillsThePilotsTasksAndGivesTheAllocationBack() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("pilot-cancel").setBurstName("default/c")
        .setExecution(Execution.EXECUTION_PILOT).putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "120");
    for (int i = 0; i < 4; i++) {
      req.addTasks(timed("long" + i, 0));
    }
    try (Bridge b = Bridge.start(work, 2)) {
      b.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runs) && Files.readAllLines(runs).size() == 2);
      String pilot = b.get("pilot-cancel").getTasksList().stream().map(TaskEvent::getJobId).filter(id -> !id.isEmpty()).findFirst()
          .orElseThrow();
      b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("pilot-cancel").build());
      await().atMost(Duration.ofSeconds(60)).until(() -> b.get("pilot-cancel").getPhase() == BurstPhase.BURST_PHASE_CANCELLED);
      assertThat(b.get("pilot-cancel").getCancelled()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(30)).until(() -> !pilotQueued(pilot));
      assertThat(Files.readAllLines(runs)).as("nothing started after the cancel, nothing ended normally").hasSize(2);
    }
  }
}
