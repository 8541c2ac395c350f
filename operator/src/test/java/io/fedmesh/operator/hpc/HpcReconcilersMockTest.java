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
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    bridge = new HpcBridgeService(tmp.resolve("bridge"), 4, "local", out -> new LocalProcessLauncher(out.resolveSibling("logs"), out));
    bridgeServer = GrpcServerRunner.start("bridge", new HostPort("127.0.0.1", 0), null, List.of(bridge));
    operator = FedmeshOperator.start(client, OperatorConfig.local(tmp.resolve("ckpt")));
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

  HpcCluster getCluster(String name) {
    return client.resources(HpcCluster.class).inNamespace("default").withName(name).get();
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
    s.application.type = SimulationBurstSpec.Application.Type.COMMAND;
    s.application.command = "printf 'diffusivity,label\\n%s,%s\\n' $FEDMESH_PARAM_DIFFUSIVITY $FEDMESH_TASK_INDEX > $FEDMESH_OUTPUT";
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = "diffusivity";
    p.min = 0.1;
    p.max = 0.9;
    s.sweep = List.of(p);
    b.setSpec(s);
    client.resource(b).create();
    await().atMost(Duration.ofSeconds(40)).until(() -> getBurst("sweep").getStatus() != null
        && getBurst("sweep").getStatus().phase == SimulationBurstStatus.Phase.Succeeded);
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

  @Test
  void aBurstWithTheBuiltInSimulationIsRefusedWithTheFix() {
    cluster("hpc", "127.0.0.1:" + bridgeServer.port());
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("builtin").withNamespace("default").build());
    b.setSpec(new SimulationBurstSpec());
    b.getSpec().clusterRef = "hpc";
    b.getSpec().tasks = 4;
    client.resource(b).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> getBurst("builtin").getStatus() != null
        && getBurst("builtin").getStatus().condition("Ready") != null);
    assertThat(getBurst("builtin").getStatus().condition("Ready").getReason()).isEqualTo("ValidationFailed");
    assertThat(getBurst("builtin").getStatus().condition("Ready").getMessage()).contains("use type command");
  }
}
