package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.CancelBurstRequest;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SimulationParams;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import io.fedmesh.proto.hpc.v1.TaskState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bridge (gRPC, journal, engine) on the real private Slurm that scripts/test.sh starts:
 * an ensemble of 2-rank Open MPI simulations, a bridge restarted mid-burst, and Cancel (scancel).
 */
class BridgeOnSlurmIT {
  /**
   * The test's allowlist: the built-in simulation, sleeper ({runs}, {task}, {seconds}) and: job-id
   * appends "{task} <job id as the bridge reports it: <array>_<index> for a job-array element>" to
   * {runs} and sleeps 4 s; sleep sleeps {seconds}.
   */
  static final io.fedmesh.hpc.apps.ApplicationAllowlist APPLICATIONS = io.fedmesh.hpc.apps.ApplicationAllowlist
      .builtIn(new SimulationLauncher())
      .with(io.fedmesh.hpc.apps.TestApplications.script("job-id",
          "id=${{SLURM_ARRAY_JOB_ID:+${{SLURM_ARRAY_JOB_ID}}_${{SLURM_ARRAY_TASK_ID}}}};"
          + " echo \"$2 ${{id:-$SLURM_JOB_ID}}\" >> \"$1\"; sleep 4", "{runs}", "{task}"))
      .with(io.fedmesh.hpc.apps.TestApplications.script("sleeper", "echo \"$2\" >> \"$1\"; exec sleep \"$3\"", "{runs}", "{task}",
          "{seconds}"))
      .with(new io.fedmesh.hpc.apps.ApplicationTemplate("sleep", Path.of("/bin/sleep"), List.of("{seconds}"), java.util.Map.of(), 0));

  @TempDir Path work;

  @BeforeAll
  static void needsSlurm() {
    String conf = System.getenv("SLURM_CONF");
    if (conf == null) {
      System.out.println("SKIPPED BridgeOnSlurmIT: SLURM_CONF is not set; start Slurm with"
          + " hpc-bridge/scripts/slurm-up.sh (./fedmesh test does it when slurm-wlm is installed)");
    }
    io.fedmesh.hpc.RequiredInCi.assume(conf != null, "SLURM_CONF not set: start Slurm with hpc-bridge/scripts/slurm-up.sh");
  }

  /** One bridge process: its own shared poller, service and loopback server, as `fedmesh bridge --backend slurm` builds them. */
  record Bridge(SlurmPoller poller, HpcBridgeService service, GrpcServerRunner server, ManagedChannel channel)
      implements AutoCloseable {
    static Bridge start(Path work, int cores) {
      SlurmPoller poller = new SlurmPoller(Duration.ofMillis(300));
      HpcBridgeService svc = new HpcBridgeService(work, cores, "slurm",
          (uid, out) -> new SlurmLauncher(poller, out.resolveSibling("logs"), null, out, SlurmLauncher.jobNamePrefix(uid)),
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), APPLICATIONS)
          .withClusterProbe(new SlurmCluster(Duration.ofSeconds(10))::describe);
      GrpcServerRunner server = GrpcServerRunner.start("bridge-slurm-test", new HostPort("127.0.0.1", 0), null, List.of(svc));
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

  /** The private Slurm runs only these tests' jobs: whatever a failed test left behind must not block the next one. */
  @org.junit.jupiter.api.AfterEach
  void cancelLeftovers() {
    new CommandRunner(Duration.ofSeconds(10)).run(List.of("scancel", "-u", System.getProperty("user.name")));
  }

  @Test
  void eightTwoRankMpiSimulationsSucceedABadOneFailsWithItsExitCodeAndTheDataComesBack() throws Exception {
    String missing = new SimulationLauncher().whyNoMpi();
    if (!missing.isEmpty()) {
      System.out.println("SKIPPED BridgeOnSlurmIT MPI ensemble: " + missing);
    }
    io.fedmesh.hpc.RequiredInCi.assume(missing.isEmpty(), missing);

    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("mpi-ensemble-0001").setBurstName("default/plume")
        .putApplicationOptions("grid", "32").putApplicationOptions("steps", "60").putApplicationOptions("samples", "16");
    for (int i = 0; i < 8; i++) {
      req.addTasks(TaskSpec.newBuilder().setName(String.format("sim-%04d", i)).setKind("simulate").setRanks(2).setCpusPerRank(1)
          .setWalltimeSeconds(300).setParams(SimulationParams.newBuilder().putValues("windX", -1 + 0.25 * i)
              .putValues("sourceX", 0.2 + 0.075 * i)));
    }
    req.addTasks(TaskSpec.newBuilder().setName("sim-bad").setKind("simulate").setRanks(2).setCpusPerRank(1)
        .setParams(SimulationParams.newBuilder().putValues("diffusivity", -1)));
    try (Bridge b = Bridge.start(work, 4)) {
      assertThat(b.stub().submit(req.build()).getCreated()).isTrue();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
          .until(() -> b.get("mpi-ensemble-0001").getPhase() == BurstPhase.BURST_PHASE_FAILED
              || b.get("mpi-ensemble-0001").getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED);
      BurstStatus st = b.get("mpi-ensemble-0001");
      assertThat(st.getSucceeded()).as(st.toString()).isEqualTo(8);
      assertThat(st.getFailed()).isEqualTo(1);
      TaskEvent bad = st.getTasksList().stream().filter(e -> e.getTask().equals("sim-bad")).findFirst().orElseThrow();
      assertThat(bad.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
      assertThat(bad.getExitCode()).isEqualTo(2);
      Path logs = work.resolve("bursts/mpi-ensemble-0001/logs");
      assertThat(logs.resolve("sim-bad.log")).content().contains("diffusivity=-1 is out of range");
      for (int i = 0; i < 8; i++) {
        assertThat(logs.resolve(String.format("sim-%04d.log", i))).content().contains("on 2 rank(s)");
      }
      Set<String> jobIds = new HashSet<>();
      st.getTasksList().forEach(e -> jobIds.add(e.getJobId()));
      assertThat(jobIds).as("one Slurm job per task").hasSize(9).doesNotContain("");

      ByteArrayOutputStream data = new ByteArrayOutputStream();
      b.stub().fetchData(FetchDataRequest.newBuilder().setBurstUid("mpi-ensemble-0001").build())
          .forEachRemaining(c -> data.writeBytes(c.getData().toByteArray()));
      Path csv = work.resolve("fetched.csv");
      Files.write(csv, data.toByteArray());
      Dataset d = CsvDatasetReader.read(csv, "label", TaskKind.REGRESSION);
      assertThat(d.rows()).isEqualTo(8 * 16);
      assertThat(d.featureNames()).contains("windX", "sourceX", "x", "y", "t");
    }
  }

  @Test
  void aBridgeRestartedMidBurstReattachesToItsSlurmJobsAndSubmitsNothingTwice() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("restart-on-slurm").setBurstName("default/r")
        .putApplicationOptions("runs", runs.toString());
    for (int i = 0; i < 6; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("t" + i).setKind("simulate").setRanks(1).setApplication("job-id"));
    }
    try (Bridge first = Bridge.start(work, 4)) {
      first.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(60)).until(() -> first.get("restart-on-slurm").getRunning() == 4);
    } // the bridge stops with 4 jobs on Slurm and 2 tasks not yet submitted
    try (Bridge second = Bridge.start(work, 4)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> second.get("restart-on-slurm").getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED);
      BurstStatus st = second.get("restart-on-slurm");
      assertThat(st.getSucceeded()).isEqualTo(6);
      List<String> lines = Files.readAllLines(runs);
      assertThat(lines).as("each task ran once, as one Slurm job").hasSize(6);
      assertThat(lines.stream().map(l -> l.split(" ")[0])).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5");
      assertThat(lines.stream().map(l -> l.split(" ")[1]).distinct()).hasSize(6);
      Set<String> reported = new HashSet<>();
      st.getTasksList().forEach(e -> reported.add(e.getTask() + " " + e.getJobId()));
      assertThat(reported).containsExactlyInAnyOrderElementsOf(lines);
      assertThat(lines).as("the four tasks that started together were one job array").filteredOn(l -> l.contains("_")).hasSize(4);
    }
  }

  @Test
  void cancelScancelsRunningJobsAndSubmitsNoMore() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("cancel-on-slurm").setBurstName("default/c")
        .putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "120");
    for (int i = 0; i < 4; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("long" + i).setKind("simulate").setRanks(1).setApplication("sleeper"));
    }
    try (Bridge b = Bridge.start(work, 2)) {
      b.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runs) && Files.readAllLines(runs).size() == 2);
      b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("cancel-on-slurm").build());
      await().atMost(Duration.ofSeconds(60)).until(() -> b.get("cancel-on-slurm").getPhase() == BurstPhase.BURST_PHASE_CANCELLED);
      assertThat(b.get("cancel-on-slurm").getCancelled()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(30)).until(() -> new io.fedmesh.hpc.slurm.CommandRunner(Duration.ofSeconds(10))
          .run(List.of("squeue", "-h", "-o", "%j")).stdout().lines().noneMatch(l -> l.startsWith("fedmesh-cancel-o-long")));
      assertThat(Files.readAllLines(runs)).hasSize(2);
    }
  }

  @Test
  void tasksWaitingInSlurmsQueueAreQueuedNotRunning() {
    // the bridge may start 8 one-core tasks at once, but the node has 4 CPUs: Slurm holds 4 back
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("queued-on-slurm").setBurstName("default/q")
        .putApplicationOptions("seconds", "120");
    for (int i = 0; i < 8; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("wait" + i).setKind("simulate").setRanks(1).setApplication("sleep"));
    }
    try (Bridge b = Bridge.start(work, 8)) {
      b.stub().submit(req.build());
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> b.get("queued-on-slurm").getRunning() == 4
            && b.get("queued-on-slurm").getQueued() == 4);
        // DescribeCluster reads the same Slurm: a full node, 4 jobs waiting
        var info = b.stub().describeCluster(io.fedmesh.proto.hpc.v1.DescribeClusterRequest.getDefaultInstance());
        assertThat(info.getScheduler()).isEqualTo("slurm");
        assertThat(info.getVersion()).startsWith("slurm");
        assertThat(info.getPartitionsList()).singleElement().satisfies(p -> {
          assertThat(p.getTotalCpus()).isEqualTo(4);
          assertThat(p.getFreeCpus()).isZero();
          assertThat(p.getNodes()).isEqualTo(1);
        });
        assertThat(info.getQueueDepth()).isGreaterThanOrEqualTo(4);
        assertThat(info.getRunningJobs()).isGreaterThanOrEqualTo(4);
        assertThat(b.get("queued-on-slurm").getTasksList()).filteredOn(e -> e.getState() == TaskState.TASK_STATE_RUNNING)
            .allSatisfy(e -> assertThat(e.getStartedUnixMs()).isPositive());
      } finally {
        // a stopped bridge leaves its jobs running (by design): never leave 8 sleepers on the node for the next test
        b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("queued-on-slurm").build());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> b.get("queued-on-slurm").getPhase() == BurstPhase.BURST_PHASE_CANCELLED);
      assertThat(b.get("queued-on-slurm").getCancelled()).isEqualTo(8);
    }
  }
}
