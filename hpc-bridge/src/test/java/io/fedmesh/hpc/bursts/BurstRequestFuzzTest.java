package io.fedmesh.hpc.bursts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.ApplicationTemplate;
import io.fedmesh.hpc.apps.TestApplications;
import io.fedmesh.hpc.engine.ConfinedPath;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.proto.hpc.v1.SimulationParams;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A peer's Submit request into the bridge's validation (allowlist, parameters, paths): it is either
 * refused with IllegalArgumentException (the documented refusal; UnknownApplicationException is
 * one) or becomes tasks whose argv starts with an allowlisted executable, holds no control
 * character, and whose output stays in the burst's directory. Nothing is run. Seeds in
 * {@code BurstRequestFuzzTestInputs/} replay in {@code mvn test}.
 */
class BurstRequestFuzzTest {
  static final Path OUT = Path.of("/fuzz/work/bursts/uid/output");
  static final Path WORK = Path.of("/fuzz/work/bursts/uid/work");
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final ApplicationAllowlist APPS = ApplicationAllowlist.builtIn(TestApplications.oneRank())
      .with(new ApplicationTemplate("plume", Path.of("/bin/echo"), List.of("--d={diffusivity}", "--out={output}", "{task}"),
          Map.of("MESH", "{mesh}"), 60));
  static final Set<String> EXECUTABLES = Set.of("/bin/echo", "/usr/bin/env", JAVA);
  static final TaskCommands COMMANDS = new TaskCommands(APPS);

  @FuzzTest(maxDuration = "60s")
  void wireBytesAreRefusedOrBecomeConfinedAllowlistedTasks(byte[] wire) {
    SubmitBurstRequest request;
    try {
      request = SubmitBurstRequest.parseFrom(wire);
    } catch (InvalidProtocolBufferException notAMessage) {
      return; // gRPC refuses these before the service sees them
    }
    check(request);
  }

  @FuzzTest(maxDuration = "60s")
  void structuredRequestsAreRefusedOrBecomeConfinedAllowlistedTasks(FuzzedDataProvider in) {
    SubmitBurstRequest.Builder b = SubmitBurstRequest.newBuilder().setBurstUid("uid").setBurstName(in.consumeString(24));
    for (int i = in.consumeInt(0, 3); i > 0; i--) {
      b.putApplicationOptions(in.pickValue(List.of("mesh", "diffusivity", "grid", "steps", "output", in.consumeString(8))),
          in.consumeString(32));
    }
    for (int t = in.consumeInt(0, 4); t > 0; t--) {
      TaskSpec.Builder task = TaskSpec.newBuilder().setName(in.pickValue(List.of("sim-0", "sim-1", in.consumeString(12))))
          .setApplication(in.pickValue(List.of("", "plume", "advection-diffusion", in.consumeString(12))))
          .setRanks(in.consumeInt(-2, 2048)).setCpusPerRank(in.consumeInt(-2, 2048)).setGpus(in.consumeInt(-1, 32))
          .setWalltimeSeconds(in.consumeInt(-1, 1_000_000)).setEstimatedSeconds(in.consumeDouble()).setStage(in.consumeInt(0, 3))
          .setKind(in.consumeString(8));
      if (in.consumeBoolean()) {
        task.setCommand(in.consumeString(16));
      }
      if (in.consumeBoolean()) {
        task.addDependsOn(in.pickValue(List.of("sim-0", "sim-1", in.consumeString(8))));
      }
      SimulationParams.Builder point = SimulationParams.newBuilder();
      for (int p = in.consumeInt(0, 2); p > 0; p--) {
        point.putValues(in.pickValue(List.of("diffusivity", "windX", in.consumeString(8))), in.consumeDouble());
      }
      b.addTasks(task.setParams(point));
    }
    check(b.build());
  }

  @FuzzTest(maxDuration = "60s")
  void derivedPathsStayInsideTheRoot(FuzzedDataProvider in) {
    Path root = Path.of("/fuzz/root");
    String name = in.consumeRemainingAsString();
    Path p;
    try {
      p = ConfinedPath.resolve(root, name);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertThat(p.normalize()).isEqualTo(p);
    assertThat(p.startsWith(root)).as(name).isTrue();
    assertThat(p).isNotEqualTo(root);
  }

  private static void check(SubmitBurstRequest request) {
    TaskGraph graph;
    try {
      graph = COMMANDS.graphOf(request, OUT, WORK);
    } catch (IllegalArgumentException refused) {
      return;
    }
    for (TaskNode t : graph.tasks()) {
      assertThat(t.command()).isNotEmpty();
      assertThat(EXECUTABLES).as("argv[0] of " + t.name()).contains(t.command().get(0));
      for (String arg : t.command()) {
        assertThat(arg.chars().noneMatch(Character::isISOControl)).as("control character in " + arg).isTrue();
      }
      assertThat(t.command()).anySatisfy(arg -> assertThat(arg).contains(OUT.resolve(t.name() + ".csv").toString()));
      assertThat(OUT.resolve(t.name() + ".csv").normalize().startsWith(OUT)).isTrue();
      assertThat(t.walltimeSeconds()).isBetween(0, TaskCommands.MAX_WALLTIME_SECONDS);
    }
  }
}
