package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

/** The label that makes the coordinator Service select the leader pod, on the mock API server. */
@EnableKubernetesMockClient(crud = true)
class LeaderPodLabelMockTest {
  KubernetesClient client;

  @Test
  void theLeaderLabelsItsPodAndAStandbyClearsIt() {
    client.pods().inNamespace("fedmesh").resource(new PodBuilder().withNewMetadata().withName("op-0")
        .addToLabels("app.kubernetes.io/name", "fedmesh-operator").endMetadata().build()).create();
    LeaderPodLabel label = new LeaderPodLabel(client, "fedmesh", "op-0");
    assertThat(label.leads()).isFalse();
    label.lead();
    assertThat(label.leads()).isTrue();
    assertThat(client.pods().inNamespace("fedmesh").withName("op-0").get().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "fedmesh-operator");
    label.standBy();
    assertThat(label.leads()).isFalse();
    assertThat(client.pods().inNamespace("fedmesh").withName("op-0").get().getMetadata().getLabels())
        .doesNotContainKey(LeaderPodLabel.LABEL).containsKey("app.kubernetes.io/name");
  }

  @Test
  void aMissingPodIsLoggedNotThrown() {
    new LeaderPodLabel(client, "fedmesh", "gone").lead();
  }
}
