package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.validation.ModelResolver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ResNet-18 of the paper's width (11 M parameters, 45 MB an update in fp32) streams down to two
 * learners over real gRPC, back up (each update twice), aggregates exactly and checkpoints with
 * its named tensors, in the test JVM's 3 GB.
 */
@EnableKubernetesMockClient(crud = true)
class LargeModelMockTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  List<TestLearner> learners = List.of();

  @AfterEach
  void tearDown() {
    learners.forEach(TestLearner::close);
    if (operator != null) {
      operator.close();
    }
  }

  static DistributedModelSpec resnet18() {
    DistributedModelSpec s = new DistributedModelSpec();
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.type = DistributedModelSpec.Architecture.Type.RESNET;
    s.architecture.depth = 18;
    s.architecture.width = 64;
    s.inputShape = List.of(3, 32, 32);
    s.outputShape = List.of(10);
    return s;
  }

  @Test
  void aResNet18StreamsAggregatesAndCheckpointsWithItsNamedTensors() throws Exception {
    CrdFixtures.install(client);
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(2)));
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("r18").withNamespace("default").build());
    dm.setSpec(resnet18());
    client.resource(dm).create();
    learners = List.of(new TestLearner("site-a", port, 0.25f, 100), new TestLearner("site-b", port, 0.25f, 100));
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("big").withNamespace("default").build());
    FederatedTrainingSpec spec = new FederatedTrainingSpec();
    spec.modelRef = "r18";
    spec.rounds = 2;
    spec.participants.minSites = 2;
    spec.roundDeadline.initialSeconds = 120;
    ft.setSpec(spec);
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(240)).until(() -> {
      FederatedTraining now = client.resources(FederatedTraining.class).inNamespace("default").withName("big").get();
      return now.getStatus() != null && now.getStatus().phase == FederatedTrainingStatus.Phase.Succeeded;
    });

    var model = new ModelResolver().resolve(resnet18()).spec();
    assertThat(model.parameterCount()).isGreaterThan(11_000_000L);
    CheckpointStore store = new CheckpointStore(checkpoints);
    CheckpointStore.Meta meta = store.meta("default", "big", "big-r2").orElseThrow();
    assertThat(meta.parameters()).isEqualTo(model.parameterCount());
    assertThat(meta.layout()).contains(model.layout());
    // FedAvg of two identical half-steps towards 0.25, two rounds: w2 - t = (w0 - t) / 4
    float[] w0 = learners.get(0).downloaded.get(1);
    float[] w2 = store.load("default", "big", "big-r2").orElseThrow();
    for (int i = 0; i < w2.length; i += 9973) {
      assertThat((double) w2[i] - 0.25).isCloseTo((w0[i] - 0.25) / 4.0, org.assertj.core.api.Assertions.within(1e-5));
    }
  }
}
