package io.fedmesh.operator.rounds;

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
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.FedAdamStrategy;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.status.EventRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FedAdam's moments survive an operator restart: a round saves them beside its model checkpoint,
 * and the run a new operator builds from status continues with them, so its next step is the one
 * the old operator would have taken. A checkpoint without them starts from zero with a Warning.
 */
@EnableKubernetesMockClient(crud = true)
class FedAdamRestartMockTest {
  KubernetesClient client;
  @TempDir Path dir;
  EventRecorder events;
  CheckpointStore checkpoints;
  Federation federation;

  @BeforeEach
  void setUp() {
    events = new EventRecorder(client);
    checkpoints = new CheckpointStore(dir);
    federation = new Federation(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(dir));
  }

  @AfterEach
  void tearDown() {
    events.close();
  }

  static FederatedTraining training(int round, String version) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("adam").withNamespace("default").withUid("uid-1").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 10;
    ft.getSpec().strategy.type = FederatedTrainingSpec.Strategy.Type.FedAdam;
    ft.getSpec().strategy.fedAdam = new FederatedTrainingSpec.FedAdam();
    ft.getSpec().strategy.fedAdam.serverLearningRate = 0.1;
    if (round > 0) {
      ft.setStatus(new FederatedTrainingStatus());
      ft.getStatus().round = round;
      ft.getStatus().modelVersion = version;
    }
    return ft;
  }

  static DistributedModel model() {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("default").build());
    dm.setSpec(new DistributedModelSpec());
    dm.getSpec().architecture = new DistributedModelSpec.Architecture();
    dm.getSpec().architecture.hiddenLayers = List.of(3);
    dm.getSpec().inputShape = List.of(2);
    dm.getSpec().outputShape = List.of(2);
    return dm;
  }

  TrainingRun obtain(FederatedTraining ft) {
    TrainingRuns runs = new TrainingRuns(client, federation, checkpoints, events, name -> Optional.empty(),
        new io.fedmesh.operator.validation.ModelResolver());
    TrainingRuns.Started s = runs.obtain(ft, model());
    assertThat(s.failMessage()).isNull();
    return s.run();
  }

  static List<ClientUpdate> updates(float[] global, float shift) {
    float[] a = global.clone();
    float[] b = global.clone();
    for (int i = 0; i < a.length; i++) {
      a[i] += shift;
      b[i] += shift * (i % 2 == 0 ? 2 : -1);
    }
    return List.of(new ClientUpdate("site-a", a, 10, 0.5, 0.5, 4L * a.length), new ClientUpdate("site-b", b, 30, 0.5, 0.5, 4L * b.length));
  }

  @Test
  void theMomentsAreCheckpointedAndARestartedRunContinuesWithThem() {
    ModelStep step = new ModelStep(checkpoints, new OperatorMetrics(new SimpleMeterRegistry()));
    TrainingRun first = obtain(training(0, null));
    for (int round = 1; round <= 2; round++) {
      ModelStep.Result r = step.keep(first, round, step.apply(first, round, updates(first.global, 0.1f * round)));
      first.global = r.global();
      first.version = r.version();
    }
    float[] saved = checkpoints.loadState("default", "adam", "adam-r2").orElseThrow();
    assertThat(saved).containsExactly(((FedAdamStrategy) first.aggregator).state().orElseThrow());

    // a new operator: the run is built again from status (round 2, adam-r2) and the checkpoint volume
    TrainingRun resumed = obtain(training(2, "adam-r2"));
    assertThat(resumed.global).containsExactly(first.global);
    assertThat(((FedAdamStrategy) resumed.aggregator).state().orElseThrow()).containsExactly(saved);
    List<ClientUpdate> third = updates(first.global, 0.3f);
    float[] continued = resumed.aggregator.aggregate(resumed.global, third);
    assertThat(continued).containsExactly(first.aggregator.aggregate(first.global, third));
  }

  @Test
  void aCheckpointWithoutMomentsStartsThemFromZeroAndSaysSo() {
    ModelStep step = new ModelStep(checkpoints, new OperatorMetrics(new SimpleMeterRegistry()));
    TrainingRun first = obtain(training(0, null));
    ModelStep.Result r = step.keep(first, 1, step.apply(first, 1, updates(first.global, 0.1f)));
    assertThat(dir.resolve("default/adam/adam-r1.state.bin").toFile().delete()).isTrue();
    TrainingRun resumed = obtain(training(1, r.version()));
    assertThat(((FedAdamStrategy) resumed.aggregator).state()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "StrategyStateMissing".equals(e.getReason()) && e.getMessage().contains("adam-r1")));
  }
}
