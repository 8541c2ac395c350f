package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.mesh.data.SyntheticData;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent finds a restarted coordinator by itself: it re-registers and heartbeats resume. */
class AgentReconnectMockTest {
  @TempDir Path tmp;

  @Test
  void agentReRegistersAfterTheCoordinatorRestarts() throws Exception {
    Path data = tmp.resolve("data");
    CsvDatasetWriter.write(data.resolve("d.csv"), new SyntheticData(4, 2, 1).balanced(50, "d.csv"), "label");
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OperatorConfig local = OperatorConfig.local(tmp.resolve("ckpt"));
    OperatorConfig config = new OperatorConfig(local.namespace(), false, new HostPort("127.0.0.1", port), local.checkpointDir(),
        Duration.ofMillis(300), Duration.ofSeconds(5), null, null, -1, false);
    try (EmbeddedCluster cluster = EmbeddedCluster.start()) {
      var sites = cluster.client().resources(EdgeSite.class).inNamespace("default");
      FedmeshOperator operator = FedmeshOperator.start(cluster.client(), config);
      try (EdgeAgent agent = new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", port), "site-r", "", data, "label", null, null,
          Map.of(), tmp.resolve("work"), null, -1, 1, 256, 0)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> sites.withName("site-r").get() != null
            && sites.withName("site-r").get().getStatus() != null
            && sites.withName("site-r").get().getStatus().phase == EdgeSiteStatus.Phase.Ready);
        operator.close(); // the agent sees its stream end and reconnects, with backoff, to whoever listens next
        Instant restarted = Instant.now();
        operator = FedmeshOperator.start(cluster.client(), config);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          EdgeSiteStatus st = sites.withName("site-r").get().getStatus();
          return st.phase == EdgeSiteStatus.Phase.Ready && Instant.parse(st.lastHeartbeat).isAfter(restarted);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cluster.client().v1().events().inNamespace("default")
            .list().getItems().stream().filter(e -> "Registered".equals(e.getReason())).count()).isGreaterThanOrEqualTo(2));
      } finally {
        operator.close();
      }
    }
  }
}
