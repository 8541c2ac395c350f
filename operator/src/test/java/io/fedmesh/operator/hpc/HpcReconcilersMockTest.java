package io.fedmesh.operator.hpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.HpcClusterSpec;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.ApplicationTemplate;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HpcCluster and SimulationBurst reconcilers against the mock API server and a real hpc-bridge over loopback. */
@EnableKubernetesMockClient(crud = true)
class HpcReconcilersMockTest {
  KubernetesClient client;
  @TempDir Path tmp;
  HpcBridgeService bridge;
  GrpcServerRunner bridgeServer;
  FedmeshOperator operator;

  @BeforeEach
  void setUp() throws Exception {
    io.fedmesh.operator.CrdFixturesAccess.install(client);
    bridge = new HpcBridgeService(tmp.resolve("bridge"), 4, "local", (uid, out) -> new LocalProcessLauncher(out.resolveSibling("logs"), out),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), applications());
    bridgeServer = GrpcServerRunner.start("bridge", new HostPort("127.0.0.1", 0), null, List.of(bridge));
    operator = FedmeshOperator.start(client, OperatorConfig.local(tmp.resolve("ckpt")));
  }

  /**
   * The bridge admin's allowlist for these tests: sample writes one row from its sweep point and
   * index (a fixed sh script; the values arrive as "$1", "$2", never as shell text), sleeper sleeps.
   */
  static ApplicationAllowlist applications() {
    return ApplicationAllowlist.builtIn(new SimulationLauncher())
        .with(new ApplicationTemplate("sample", Path.of("/bin/sh"), List.of("-c",
            "printf 'diffusivity,label\\n%s,%s\\n' \"$1\" \"$2\" > \"$FEDMESH_OUTPUT\"", "sample", "{diffusivity}", "{taskIndex}"),
            Map.of(), 0))
        .with(new ApplicationTemplate("sleeper", Path.of("/bin/sleep"), List.of("{seconds}"), Map.of(), 0));
  }

  @AfterEach
  void tearDown() {
    operator.close();
    bridgeServer.close();
    bridge.close();
  }

  void cluster(String name, String endpoint) {
    HpcCluster c = new HpcCluster();
    c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    c.setSpec(new HpcClusterSpec());
    c.getSpec().scheduler = HpcClusterSpec.Scheduler.LOCAL;
    c.getSpec().bridge = new HpcClusterSpec.Bridge();
    c.getSpec().bridge.endpoint = endpoint;
    c.getSpec().bridge.timeoutSeconds = 3;
    client.resource(c).create();
  }

  static HpcCluster markDefault(HpcCluster c) {
    c.getMetadata().setAnnotations(Map.of(io.fedmesh.api.v1alpha1.FedmeshApi.ANNOTATION_DEFAULT_CLUSTER, "true"));
    return c;
  }

  HpcCluster getCluster(String name) {
    return client.resources(HpcCluster.class).inNamespace("default").withName(name).get();
  }

  /** One read of the status (two reads could straddle a write that leaves it null for a moment). */
  boolean has(String name, java.util.function.Predicate<SimulationBurstStatus> test) {
    SimulationBurst b = getBurst(name);
    return b != null && b.getStatus() != null && test.test(b.getStatus());
  }

  SimulationBurst getBurst(String name) {
    return client.resources(SimulationBurst.class).inNamespace("default").withName(name).get();
  }

  @Test
  void clusterIsReadyWhenItsBridgeAnswersAndUnreachableOtherwise() throws Exception {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    int closedPort;
    try (var s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    cluster("gone", "127.0.0.1:" + closedPort);
    await().atMost(Duration.ofSeconds(20)).until(() -> getCluster("hpc").getStatus() != null && getCluster("gone").getStatus() != null
        && getCluster("gone").getStatus().condition("Ready") != null);
    assertThat(getCluster("hpc").getStatus().reachable).isTrue();
    assertThat(getCluster("hpc").getStatus().condition("Ready").getReason()).isEqualTo("Reachable");
    assertThat(getCluster("hpc").getStatus().schedulerVersion).contains("local");
    assertThat(getCluster("gone").getStatus().reachable).isFalse();
    assertThat(getCluster("gone").getStatus().condition("Ready").getReason()).isEqualTo("Unreachable");
  }

  @Test
  void aBurstRunsOnTheBridgeAndItsSamplesAreFetched() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("sweep").withNamespace("default").build());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 8;
    s.ranksPerTask = 1;
    s.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
    s.application.name = "sample";
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = "diffusivity";
    p.min = 0.1;
    p.max = 0.9;
    s.sweep = List.of(p);
    b.setSpec(s);
    client.resource(b).create();
    await().atMost(Duration.ofSeconds(40)).until(() -> has("sweep", st -> st.phase == SimulationBurstStatus.Phase.Succeeded));
    SimulationBurstStatus st = getBurst("sweep").getStatus();
    assertThat(st.progress).isEqualTo("8/8");
    assertThat(st.succeeded).isEqualTo(8);
    assertThat(st.producedSamples).isEqualTo(8);
    assertThat(st.makespanSeconds).isPositive();
    assertThat(st.condition("Ready").getReason()).isEqualTo("Succeeded");
    assertThat(Path.of(st.datasetPath)).exists();
    assertThat(Files.exists(Path.of(st.datasetPath))).isTrue();
    assertThat(client.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BurstSubmitted"));
  }

  SimulationBurstSpec.SweepParameter sweep(String name, double min, double max) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = min;
    p.max = max;
    return p;
  }

  void burst(String name, SimulationBurstSpec spec) {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    b.setSpec(spec);
    client.resource(b).create();
  }

  @Test
  void aBurstWithoutClusterRefRunsOnTheNamespacesDefaultClusterAndIsRefusedWhenThereIsNone() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    cluster("other", "127.0.0.1:1");
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = 2;
    s.ranksPerTask = 1;
    s.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
    s.application.name = "sample";
    s.sweep = List.of(sweep("diffusivity", 0.1, 0.9));
    burst("anywhere", s);
    await().atMost(Duration.ofSeconds(20)).until(() -> has("anywhere", st -> st.condition("Ready") != null));
    var ambiguous = getBurst("anywhere").getStatus().condition("Ready");
    assertThat(ambiguous.getReason()).isEqualTo("ClusterNotFound");
    assertThat(ambiguous.getMessage()).contains("spec.clusterRef is unset").contains("2 HpcClusters (hpc, other), none of them the default")
        .contains("kubectl annotate hpccluster NAME fedmesh.io/default-cluster=true");
    assertThat(getBurst("anywhere").getStatus().submittedAt).as("nothing was submitted").isNull();

    client.resources(HpcCluster.class).inNamespace("default").withName("hpc")
        .edit(c -> markDefault(c));
    await().atMost(Duration.ofSeconds(40)).until(() -> has("anywhere", st -> st.phase == SimulationBurstStatus.Phase.Succeeded));
    assertThat(getBurst("anywhere").getStatus().cluster).isEqualTo("hpc");
    assertThat(getBurst("anywhere").getStatus().producedSamples).isEqualTo(2);

    client.resources(HpcCluster.class).inNamespace("default").withName("other")
        .edit(c -> markDefault(c));
    burst("undecided", s);
    await().atMost(Duration.ofSeconds(20)).until(() -> has("undecided", st -> st.condition("Ready") != null));
    assertThat(getBurst("undecided").getStatus().condition("Ready").getMessage())
        .contains("has 2 default HpcClusters (hpc, other): set spec.clusterRef");
  }

  @Test
  void aBurstOfTheBuiltInSimulationRunsTheReferenceSolverAndItsSamplesAreFetched() throws Exception {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 4;
    s.ranksPerTask = 1;
    s.application.grid = 24;
    s.application.steps = 40;
    s.application.samplesPerTask = 8;
    s.sweep = List.of(sweep("windX", -1, 1), sweep("sourceY", 0.3, 0.7));
    burst("plume", s);
    await().atMost(Duration.ofSeconds(90)).until(() -> has("plume", st -> st.phase == SimulationBurstStatus.Phase.Succeeded));
    SimulationBurstStatus st = getBurst("plume").getStatus();
    assertThat(st.producedSamples).isEqualTo(32);
    String header = Files.readAllLines(Path.of(st.datasetPath)).get(0);
    assertThat(header).isEqualTo("diffusivity,windX,windY,sourceX,sourceY,sourceStrength,sourceWidth,duration,x,y,t,label");
  }

  @Test
  void aSweepTheSimulationCannotRunIsRefusedNamingTheParameterAndItsRange() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 4;
    s.sweep = List.of(sweep("windX", -9, 1), sweep("wind", 0, 1));
    burst("bad-sweep", s);
    await().atMost(Duration.ofSeconds(20)).until(() -> has("bad-sweep", st -> st.condition("Ready") != null));
    var ready = getBurst("bad-sweep").getStatus().condition("Ready");
    assertThat(ready.getReason()).isEqualTo("ValidationFailed");
    assertThat(ready.getMessage()).contains("spec.sweep[0] (windX): [-9, 1] leaves the valid range: windX must be in [-5, 5]")
        .contains("spec.sweep[1] (wind): advection-diffusion has no parameter 'wind'; valid names are [diffusivity, windX");
    assertThat(getBurst("bad-sweep").getStatus().submittedAt).as("nothing was submitted").isNull();
  }

  @Test
  void deletingARunningBurstCancelsItsTasksOnTheBridge() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 6;
    s.ranksPerTask = 1;
    s.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
    s.application.name = "sleeper";
    s.application.params = Map.of("seconds", "120");
    burst("long", s);
    await().atMost(Duration.ofSeconds(30)).until(() -> has("long", st -> st.phase == SimulationBurstStatus.Phase.Running));
    String uid = getBurst("long").getMetadata().getUid();
    assertThat(getBurst("long").getMetadata().getFinalizers()).as("the operator's finalizer").isNotEmpty();
    client.resources(SimulationBurst.class).inNamespace("default").withName("long").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> getBurst("long") == null);
    await().atMost(Duration.ofSeconds(20)).until(() -> bridge.describe(uid).getPhase() == io.fedmesh.proto.hpc.v1.BurstPhase.BURST_PHASE_CANCELLED);
    assertThat(bridge.describe(uid).getCancelled()).isEqualTo(6);
    assertThat(client.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BurstCancelled"));
  }

  @Test
  void anApplicationTheBridgeDoesNotAllowShowsInTheStatusWithAReason() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 2;
    s.ranksPerTask = 1;
    s.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
    s.application.name = "bash";
    burst("not-allowed", s);
    await().atMost(Duration.ofSeconds(20)).until(() -> has("not-allowed", st -> st.condition("Ready") != null
        && "ApplicationNotAllowed".equals(st.condition("Ready").getReason())));
    assertThat(getBurst("not-allowed").getStatus().condition("Ready").getMessage())
        .contains("application 'bash' is not in this bridge's allowlist").contains("allowed: [advection-diffusion, sample, sleeper]");
    assertThat(getBurst("not-allowed").getStatus().submittedAt).as("nothing runs").isNull();
  }

  @Test
  void aCommandBurstIsRefusedBeforeItReachesTheBridge() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.clusterRef = "hpc";
    s.tasks = 2;
    s.application.type = SimulationBurstSpec.Application.Type.COMMAND;
    s.application.command = "touch " + tmp.resolve("pwned");
    burst("old-command", s);
    await().atMost(Duration.ofSeconds(20)).until(() -> has("old-command", st -> st.condition("Ready") != null));
    var ready = getBurst("old-command").getStatus().condition("Ready");
    assertThat(ready.getReason()).isEqualTo("ValidationFailed");
    assertThat(ready.getMessage()).contains("spec.application.type command is no longer run").contains("type: application");
    assertThat(tmp.resolve("pwned")).doesNotExist();
  }
}
