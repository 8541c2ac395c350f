package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same spec.seed gives the same metrics: a training run twice, each time on a fresh API server,
 * operator and DJL agent (every uid differs), has the same loss, global metric and site metric in
 * every round; another seed does not.
 */
class RepeatableRunMockTest {
  @TempDir Path tmp;

  /** What a round shows of the training: loss, global metric, the site's own metric. */
  record Round(Double loss, Double metric, Map<String, Double> siteMetrics) {}

  @Test
  void theSameSeedGivesTheSameLossAndMetricsEveryRound() throws Exception {
    List<Round> first = run(11L, "first");
    List<Round> second = run(11L, "second");
    assertThat(first).hasSize(3);
    assertThat(second).isEqualTo(first);
    assertThat(run(12L, "other")).as("another seed, another initial model").isNotEqualTo(first);
  }

  List<Round> run(long seed, String dir) throws Exception {
    Path data = Files.createDirectories(tmp.resolve(dir).resolve("data"));
    StringBuilder csv = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < 64; i++) {
      csv.append(i % 2 == 0 ? 0.2 + i / 640.0 : 0.8 - i / 640.0).append(',').append((i * 7 % 64) / 64.0).append(',').append(i % 2)
          .append('\n');
    }
    Files.writeString(data.resolve("train.csv"), csv);
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve(dir).resolve("ckpt")));
        EdgeAgent agent = new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", operator.coordinatorPort()), "site-a", "", data,
            "label", null, "eu-west-1", Map.of(), tmp.resolve(dir).resolve("work"), null, -1, 1, 512, 0)).start()) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 1);
      client.resource(model()).create();
      client.resource(training(seed)).create();
      var resource = client.resources(FederatedTraining.class).inNamespace("default").withName("repeat");
      await().atMost(Duration.ofSeconds(60)).until(() -> resource.get().getStatus() != null
          && resource.get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
      return resource.get().getStatus().history.stream().map(h -> new Round(h.loss, h.metric, h.siteMetrics)).toList();
    }
  }

  static DistributedModel model() {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("default").build());
    DistributedModelSpec s = new DistributedModelSpec();
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(8);
    s.inputShape = List.of(2);
    s.outputShape = List.of(2);
    dm.setSpec(s);
    return dm;
  }

  static FederatedTraining training(long seed) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("repeat").withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 3;
    s.seed = seed;
    s.participants.minSites = 1;
    s.localTraining.epochs = 2;
    s.localTraining.batchSize = 8; // several shuffled batches: the local seed matters
    s.roundDeadline.initialSeconds = 30;
    ft.setSpec(s);
    return ft;
  }
}
