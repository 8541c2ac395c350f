package io.fedmesh.hpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.hpc.apps.TestApplications;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.DataChunk;
import io.fedmesh.proto.hpc.v1.DescribeClusterRequest;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import io.fedmesh.proto.hpc.v1.TaskState;
import io.fedmesh.proto.hpc.v1.WatchBurstRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge over a real loopback gRPC socket with the local backend running real processes. */
class HpcBridgeServiceTest {
  @TempDir Path work;

  HpcBridgeService service() {
    return new HpcBridgeService(work, 4, "local", (uid, out) -> new LocalProcessLauncher(out.resolveSibling("logs"), out),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), TestApplications.allowlist());
  }

  SubmitBurstRequest burst(Path runs) {
    SubmitBurstRequest.Builder b = SubmitBurstRequest.newBuilder().setBurstUid("uid-1").setBurstName("default/sweep")
        .setMode(ExecutionMode.EXECUTION_MODE_ASYNC).putApplicationOptions("runs", runs.toString());
    for (int i = 0; i < 8; i++) {
      b.addTasks(TaskSpec.newBuilder().setName("sim-" + i).setKind("simulate").setRanks(1).setEstimatedSeconds(0.1)
          .setApplication("sample"));
    }
    b.addTasks(TaskSpec.newBuilder().setName("sim-bad").setKind("simulate").setRanks(1).setApplication("fail"));
    return b.build();
  }

  @Test
  void submitIsIdempotentWatchStreamsToTheEndAndDataComesBackOnce() throws Exception {
    Path runs = work.resolve("runs.txt");
    BurstStatus ended;
    try (HpcBridgeService svc = service();
        GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(svc))) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      var stub = HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.submit(burst(runs)).getCreated()).isTrue();
      assertThat(stub.submit(burst(runs)).getCreated()).as("a resubmit creates nothing").isFalse();
      // the same uid with another spec is refused, not silently taken for the first
      SubmitBurstRequest other = burst(runs).toBuilder().setTasks(0, burst(runs).getTasks(0).toBuilder().setApplication("fail")).build();
      assertThatThrownBy(() -> stub.submit(other)).hasMessageContaining("ALREADY_EXISTS").hasMessageContaining("different spec");

      List<TaskEvent> events = new ArrayList<>();
      stub.watch(WatchBurstRequest.newBuilder().setBurstUid("uid-1").build()).forEachRemaining(events::add);
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getTask()).isEqualTo("sim-bad");
        assertThat(e.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
        assertThat(e.getExitCode()).isEqualTo(2);
      });

      BurstStatus st = stub.get(GetBurstRequest.newBuilder().setBurstUid("uid-1").build());
      ended = st;
      assertThat(st.getPhase()).isEqualTo(BurstPhase.BURST_PHASE_FAILED);
      assertThat(st.getSucceeded()).isEqualTo(8);
      assertThat(st.getFailed()).isEqualTo(1);
      assertThat(st.getMakespanSeconds()).isPositive();
      assertThat(Files.readAllLines(runs)).as("every task ran exactly once").hasSize(9);

      ByteArrayOutputStream data = new ByteArrayOutputStream();
      long[] samples = {0};
      stub.fetchData(FetchDataRequest.newBuilder().setBurstUid("uid-1").build()).forEachRemaining((DataChunk c) -> {
        data.writeBytes(c.getData().toByteArray());
        samples[0] = c.getSamples();
      });
      String csv = data.toString(StandardCharsets.UTF_8);
      assertThat(csv).startsWith("x,label\n");
      assertThat(csv.lines().filter(l -> l.equals("x,label")).count()).isEqualTo(1);
      assertThat(samples[0]).isEqualTo(8);
      assertThat(stub.describeCluster(DescribeClusterRequest.getDefaultInstance()).getScheduler()).isEqualTo("local");
      ch.shutdownNow();
    }
    // a restarted bridge answers from its journal and still refuses to run the burst twice
    try (HpcBridgeService again = service();
        GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(again))) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      var stub = HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.get(GetBurstRequest.newBuilder().setBurstUid("uid-1").build()).getSucceeded()).isEqualTo(8);
      assertThat(stub.submit(burst(runs)).getCreated()).isFalse();
      // served from status.json, not from a new execution (whose events would carry new times and no job ids yet)
      assertThat(again.describe("uid-1")).isEqualTo(ended);
      assertThat(Files.readAllLines(runs)).hasSize(9);
      ch.shutdownNow();
    }
  }

  @Test
  void aPilotBurstOnTheLocalBackendRunsLikeABatchOne() throws Exception {
    Path runs = work.resolve("runs.txt");
    try (HpcBridgeService svc = service();
        GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(svc))) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      var stub = HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.submit(burst(runs).toBuilder().setExecution(io.fedmesh.proto.hpc.v1.Execution.EXECUTION_PILOT).build())
          .getCreated()).isTrue();
      stub.watch(WatchBurstRequest.newBuilder().setBurstUid("uid-1").build()).forEachRemaining(e -> { });
      BurstStatus st = stub.get(GetBurstRequest.newBuilder().setBurstUid("uid-1").build());
      assertThat(st.getSucceeded()).isEqualTo(8);
      assertThat(st.getFailed()).isEqualTo(1);
      assertThat(Files.readAllLines(runs)).hasSize(9);
      ch.shutdownNow();
    }
  }

  @Test
  void badBurstsAreRefusedNamingTheProblem() throws Exception {
    try (HpcBridgeService svc = service();
        GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(svc))) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      var stub = HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> stub.submit(SubmitBurstRequest.newBuilder().setBurstUid("u2").setBurstName("b")
          .addTasks(TaskSpec.newBuilder().setName("a").addDependsOn("ghost")).build()))
          .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("task a depends on unknown task ghost");
      assertThatThrownBy(() -> stub.get(GetBurstRequest.newBuilder().setBurstUid("nope").build())).hasMessageContaining("NOT_FOUND");
      // a uid names a directory: nothing that could leave the work dir gets that far
      for (String uid : List.of("../../x", "/abs/path", "a/b", "", "UPPER")) {
        assertThatThrownBy(() -> stub.submit(SubmitBurstRequest.newBuilder().setBurstUid(uid).setBurstName("b")
            .addTasks(TaskSpec.newBuilder().setName("a")).build()))
            .as(uid).hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("burst_uid");
        assertThatThrownBy(() -> stub.get(GetBurstRequest.newBuilder().setBurstUid(uid).build())).hasMessageContaining("INVALID_ARGUMENT");
      }
      assertThat(Files.exists(work.getParent().getParent().resolve("x"))).isFalse();
      ch.shutdownNow();
    }
  }
  @Test
  void onlyAllowlistedApplicationsRunAndAShellCommandIsRefused() throws Exception {
    Path marker = work.resolve("ran");
    try (HpcBridgeService svc = service();
        GrpcServerRunner server = GrpcServerRunner.start("bridge-test", new HostPort("127.0.0.1", 0), null, List.of(svc))) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      var stub = HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> stub.submit(SubmitBurstRequest.newBuilder().setBurstUid("u3").setBurstName("ns/b")
          .addTasks(TaskSpec.newBuilder().setName("a").setApplication("rm-rf")).build()))
          .hasMessageContaining("FAILED_PRECONDITION").hasMessageContaining("application 'rm-rf' is not in this bridge's allowlist")
          .hasMessageContaining("allowed: [advection-diffusion, fail, sample, sleeper, slow-sample]");
      assertThatThrownBy(() -> stub.submit(SubmitBurstRequest.newBuilder().setBurstUid("u4").setBurstName("ns/b")
          .addTasks(TaskSpec.newBuilder().setName("a").setCommand("touch " + marker)).build()))
          .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("tasks[0].command is no longer run");
      // a parameter the application does not take is refused, not silently dropped
      assertThatThrownBy(() -> stub.submit(SubmitBurstRequest.newBuilder().setBurstUid("u5").setBurstName("ns/b")
          .putApplicationOptions("runs", marker.toString()).putApplicationOptions("extra", "1")
          .addTasks(TaskSpec.newBuilder().setName("a").setApplication("fail")).build()))
          .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("application_options.extra is not a parameter of application fail");
      assertThat(svc.describe("u3")).as("nothing was journaled").isNull();
      assertThat(svc.describe("u4")).isNull();
      assertThat(marker).doesNotExist();
      ch.shutdownNow();
    }
  }
}
