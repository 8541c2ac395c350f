package io.fedmesh.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operator's mock-API tests share: the fabric8 mock API server in CRUD mode with the
 * CRDs installed, a checkpoint directory, the operator they start, the learners they add, and
 * everything stopped after each test.
 */
@EnableKubernetesMockClient(crud = true)
abstract class MockOperatorTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  final List<TestLearner> learners = new ArrayList<>();

  @BeforeEach
  void installCrds() throws Exception {
    CrdFixtures.install(client);
  }

  @AfterEach
  void stopLearnersAndOperator() {
    learners.forEach(TestLearner::close);
    if (operator != null) {
      operator.close();
    }
  }

  /** Starts the operator with its coordinator on a free port, heartbeats every 200 ms; returns the port. */
  int startOperator(Duration heartbeatTimeout) throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), heartbeatTimeout));
    return port;
  }

  /** Waits until {@code n} EdgeSites of the default namespace are Ready. */
  void awaitReadySites(int n) {
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
        .stream().filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == n);
  }

  /** The training's status, null while it has none (or the training is gone). */
  FederatedTrainingStatus status(String name) {
    FederatedTraining ft = client.resources(FederatedTraining.class).inNamespace("default").withName(name).get();
    return ft == null ? null : ft.getStatus();
  }
}
