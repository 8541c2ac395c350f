package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Top-k rounds end to end: the real operator, a real DJL agent, compression topk. Every round's
 * record says what was sent; from round 2 (the agent holds a checkpointed version) a round moves
 * less than one model: the download is a patch of what the site holds, the upload a tenth of the
 * values.
 */
class TopKRoundsMockTest {
  /** 2 inputs, 32 hidden, 2 classes: 2*32 + 32 + 32*2 + 2. */
  static final int PARAMETERS = 162;
  @TempDir Path tmp;

  @Test
  void aTopKTrainingRecordsItsEncodingsAndItsLaterRoundsMoveLessThanOneModel() throws Exception {
    Path data = TwoFeatureSites.data(tmp.resolve("data"), 64);
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")));
        EdgeAgent agent = new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", operator.coordinatorPort()), "site-a", "", data,
            "label", null, "eu-west-1", Map.of(), tmp.resolve("work"), null, -1, 1, 512, 0)).start()) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 1);
      client.resource(TwoFeatureSites.model(32)).create();
      client.resource(training()).create();
      var resource = client.resources(FederatedTraining.class).inNamespace("default").withName("sparse");
      await().atMost(Duration.ofSeconds(90)).until(() -> resource.get().getStatus() != null
          && resource.get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
      FederatedTrainingStatus st = resource.get().getStatus();
      assertThat(st.history).hasSize(4).allSatisfy(h -> assertThat(h.encodings).containsOnlyKeys("site-a")
          .hasEntrySatisfying("site-a", why -> assertThat(why).startsWith("topk 10% (17 of 162 values), 136 bytes")));
      long model = 4L * PARAMETERS;
      assertThat(st.history.get(0).bytes).as("round 1: the whole model down, 17 values up").isEqualTo(model + 136);
      for (int r = 1; r < 4; r++) { // round 2 too: the initial version is checkpointed, so the held r0 is patched
        assertThat(st.history.get(r).bytes).as("round " + (r + 1) + ": a patch of the held version down, 17 values up")
            .isLessThan(model);
      }
    }
  }

  static FederatedTraining training() {
    FederatedTraining ft = TwoFeatureSites.training("sparse", 4);
    FederatedTrainingSpec s = ft.getSpec();
    s.roundDeadline.initialSeconds = 30;
    s.wan = new FederatedTrainingSpec.WanPolicy();
    s.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.TOPK;
    s.wan.topkFraction = 0.1;
    return ft;
  }
}
