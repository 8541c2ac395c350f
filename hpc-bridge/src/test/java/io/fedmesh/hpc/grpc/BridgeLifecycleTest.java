package io.fedmesh.hpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
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
import io.fedmesh.proto.hpc.v1.WatchBurstRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's built-in simulation, restart and cancel, over real loopback gRPC with real local
 * processes: a bridge that stops mid-burst and comes back follows its running processes and
 * starts only what never started; Cancel stops what runs and skips the rest.
 */
class BridgeLifecycleTest {
  @TempDir Path work;

  /** Single-process simulation, so the test needs no Open MPI (MpiSimulationIT covers the ranks). */
  HpcBridgeService service(int cores) {
    return new HpcBridgeService(work, cores, "local", (uid, out) -> new LocalProcessLauncher(out.resolveSibling("logs"), out),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), io.fedmesh.hpc.apps.TestApplications.allowlist());
  }

  record Bridge(HpcBridgeService service, GrpcServerRunner server, ManagedChannel channel) implements AutoCloseable {
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
    }
  }

  Bridge bridge(int cores) {
    HpcBridgeService svc = service(cores);
    GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(svc));
    return new Bridge(svc, server, ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
  }

  static TaskSpec.Builder simulation(String name, double windX) {
    return TaskSpec.newBuilder().setName(name).setKind("simulate").setRanks(1)
        .setParams(SimulationParams.newBuilder().putValues("windX", windX).putValues("diffusivity", 0.005));
  }

  @Test
  void builtInSimulationWritesSamplesAndABadParameterFailsWithExitCode2() throws Exception {
    SubmitBurstRequest req = SubmitBurstRequest.newBuilder().setBurstUid("sim-uid").setBurstName("default/plume")
        .putApplicationOptions("grid", "24").putApplicationOptions("steps", "40").putApplicationOptions("samples", "10")
        .addTasks(simulation("sim-0", 0.2)).addTasks(simulation("sim-1", -0.6)).addTasks(simulation("sim-2", 1.1))
        .addTasks(simulation("sim-bad", 99.0)).build();
    try (Bridge b = bridge(2)) {
      assertThat(b.stub().submit(req).getCreated()).isTrue();
      List<TaskEvent> events = new ArrayList<>();
      b.stub().watch(WatchBurstRequest.newBuilder().setBurstUid("sim-uid").build()).forEachRemaining(events::add);
      BurstStatus st = b.get("sim-uid");
      assertThat(st.getSucceeded()).as(st.toString()).isEqualTo(3);
      assertThat(st.getFailed()).isEqualTo(1);
      TaskEvent bad = st.getTasksList().stream().filter(e -> e.getTask().equals("sim-bad")).findFirst().orElseThrow();
      assertThat(bad.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
      assertThat(bad.getExitCode()).isEqualTo(2);
      assertThat(Files.readString(work.resolve("bursts/sim-uid/logs/sim-bad.log")))
          .contains("windX=99 is out of range: windX must be in [-5, 5]");
      assertThat(st.getTasksList()).allSatisfy(e -> assertThat(e.getJobId()).as("process id of %s", e.getTask()).isNotBlank());

      ByteArrayOutputStream data = new ByteArrayOutputStream();
      b.stub().fetchData(FetchDataRequest.newBuilder().setBurstUid("sim-uid").build())
          .forEachRemaining(c -> data.writeBytes(c.getData().toByteArray()));
      Path csv = work.resolve("fetched.csv");
      Files.write(csv, data.toByteArray());
      Dataset d = CsvDatasetReader.read(csv, "label", TaskKind.REGRESSION);
      assertThat(d.rows()).isEqualTo(30);
      assertThat(d.featureNames()).startsWith("diffusivity", "windX").endsWith("x", "y", "t");
    }
  }

  @Test
  void unknownApplicationOptionsAreRefusedNamingTheOption() {
    try (Bridge b = bridge(1)) {
      assertThatThrownBy(() -> b.stub().submit(SubmitBurstRequest.newBuilder().setBurstUid("u").setBurstName("ns/x")
          .putApplicationOptions("gird", "32").addTasks(simulation("a", 0.1)).build()))
          .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("application_options.gird is unknown");
      assertThatThrownBy(() -> b.stub().submit(SubmitBurstRequest.newBuilder().setBurstUid("u").setBurstName("ns/x")
          .putApplicationOptions("grid", "4").addTasks(simulation("a", 0.1)).build()))
          .hasMessageContaining("application_options.grid=4 is out of range [8, 8192]");
    }
  }

  @Test
  void aRestartedBridgeFollowsItsRunningTasksAndStartsNothingTwice() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("restart-uid").setBurstName("default/r")
        .putApplicationOptions("runs", runs.toString());
    for (int i = 0; i < 4; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("t" + i).setKind("simulate").setRanks(1).setApplication("slow-sample"));
    }
    // t3 waits for t0: it must start after the restart, from the new bridge process
    req.setTasks(3, req.getTasks(3).toBuilder().addDependsOn("t0"));
    try (Bridge first = bridge(2)) {
      first.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(20)).until(() -> first.get("restart-uid").getRunning() == 2);
    } // the bridge stops while t0 and t1 run
    assertThat(Files.readAllLines(runs)).hasSize(2);
    try (Bridge second = bridge(2)) {
      await().atMost(Duration.ofSeconds(40)).until(() -> second.get("restart-uid").getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED);
      BurstStatus st = second.get("restart-uid");
      assertThat(st.getSucceeded()).isEqualTo(4);
      assertThat(Files.readAllLines(runs)).as("every task started exactly once across both bridge processes")
          .containsExactlyInAnyOrder("t0", "t1", "t2", "t3");
      assertThat(second.stub().submit(req.build()).getCreated()).isFalse();
    }
  }

  @Test
  void cancelStopsRunningTasksAndSkipsTheRest() throws Exception {
    Path runs = work.resolve("runs.txt");
    SubmitBurstRequest.Builder req = SubmitBurstRequest.newBuilder().setBurstUid("cancel-uid").setBurstName("default/c")
        .putApplicationOptions("runs", runs.toString()).putApplicationOptions("seconds", "60");
    for (int i = 0; i < 4; i++) {
      req.addTasks(TaskSpec.newBuilder().setName("long" + i).setKind("simulate").setRanks(1).setApplication("sleeper"));
    }
    try (Bridge b = bridge(2)) {
      b.stub().submit(req.build());
      await().atMost(Duration.ofSeconds(20)).until(() -> b.get("cancel-uid").getRunning() == 2);
      long t0 = System.nanoTime();
      assertThat(b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("cancel-uid").build()).getCancelled()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(20)).until(() -> b.get("cancel-uid").getPhase() == BurstPhase.BURST_PHASE_CANCELLED);
      assertThat((System.nanoTime() - t0) / 1e9).as("running tasks were stopped, not waited for").isLessThan(15);
      BurstStatus st = b.get("cancel-uid");
      assertThat(st.getCancelled()).isEqualTo(4);
      assertThat(st.getMessage()).contains("cancelled");
      assertThat(Files.readAllLines(runs)).as("the two queued tasks never started").hasSize(2);
      assertThat(b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("cancel-uid").build()).getCancelled())
          .as("cancel is idempotent").isZero();
      assertThatThrownBy(() -> b.stub().cancel(CancelBurstRequest.newBuilder().setBurstUid("nope").build()))
          .hasMessageContaining("NOT_FOUND");
    }
  }
}
