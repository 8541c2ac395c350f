package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission in the embedded API server, through the fabric8 client as the operator and the CLI talk to it. */
class AdmissionMockTest {
  private final EmbeddedCluster cluster = EmbeddedCluster.start();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> trainings() {
    return cluster.client().genericKubernetesResources("fedmesh.io/v1alpha1", "FederatedTraining").inNamespace("default");
  }

  static GenericKubernetesResource training(String name, String extraSpec) {
    return Serialization.unmarshal("""
        {"apiVersion": "fedmesh.io/v1alpha1", "kind": "FederatedTraining", "metadata": {"name": "%s"},
         "spec": {"modelRef": "m", "rounds": 5, "strategy": {"type": "FedAvg"}, "participants": {"minSites": 2}%s}}
        """.formatted(name, extraSpec), GenericKubernetesResource.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @Test
  void anInvalidTrainingIsRefusedWith422NamingTheFieldAndNothingIsStored() {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> trainings().resource(training("bad", ", \"roundDeadline\": {\"initialSeconds\": -5}")).create());
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
    StatusCause cause = e.getStatus().getDetails().getCauses().get(0);
    assertThat(cause.getField()).isEqualTo("spec.roundDeadline.initialSeconds");
    assertThat(cause.getMessage()).isEqualTo("Invalid value: -5: spec.roundDeadline.initialSeconds in body should be greater than or equal to 1");
    assertThat(trainings().withName("bad").get()).isNull();
  }

  @Test
  void aValidTrainingIsStoredWithItsDefaults() {
    trainings().resource(training("good", ", \"roundDeadline\": {\"initialSeconds\": 30}")).create();
    GenericKubernetesResource stored = trainings().withName("good").get();
    @SuppressWarnings("unchecked")
    Map<String, Object> deadline = (Map<String, Object>) spec(stored).get("roundDeadline");
    assertThat(deadline).containsEntry("initialSeconds", 30).containsEntry("maxRetries", 3).containsEntry("adaptive", true);
    assertThat(spec(stored)).as("an absent object without a default of its own stays absent").doesNotContainKey("wan");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPatchIsJudgedOnTheObjectItWouldStore() {
    trainings().resource(training("patched", "")).create();
    String version = trainings().withName("patched").get().getMetadata().getResourceVersion();

    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> trainings().withName("patched")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"participants\": {\"maxSites\": 1}}}"));
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getDetails().getCauses().get(0).getMessage()).isEqualTo("Invalid value: \"object\": minSites must not exceed maxSites");
    assertThat(trainings().withName("patched").get().getMetadata().getResourceVersion()).as("nothing stored").isEqualTo(version);

    trainings().withName("patched").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"rounds\": 7, \"participants\": {\"fraction\": null}}}");
    GenericKubernetesResource stored = trainings().withName("patched").get();
    assertThat(spec(stored)).containsEntry("rounds", 7);
    assertThat((Map<String, Object>) spec(stored).get("participants")).as("a removed field with a default gets it back, as on a real server")
        .containsEntry("fraction", 1.0);

    trainings().withName("patched").patch(PatchContext.of(PatchType.JSON), "[{\"op\": \"replace\", \"path\": \"/spec/rounds\", \"value\": 9}]");
    assertThat(spec(trainings().withName("patched").get())).containsEntry("rounds", 9);
    KubernetesClientException json = catchThrowableOfType(KubernetesClientException.class, () -> trainings().withName("patched")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\": \"replace\", \"path\": \"/spec/rounds\", \"value\": 0}]"));
    assertThat(json.getStatus().getDetails().getCauses().get(0).getField()).isEqualTo("spec.rounds");
    KubernetesClientException notAnObject = catchThrowableOfType(KubernetesClientException.class, () -> trainings().withName("patched")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "[1]"));
    assertThat(notAnObject.getCode()).isEqualTo(422);
    assertThat(spec(trainings().withName("patched").get())).containsEntry("rounds", 9);
  }

  @Test
  void anUpdateAndAStatusWriteAreAdmittedToo() {
    trainings().resource(training("updated", "")).create();
    GenericKubernetesResource stored = trainings().withName("updated").get();
    spec(stored).put("rounds", -1);
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> trainings().resource(stored).update());
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getDetails().getCauses().get(0).getField()).isEqualTo("spec.rounds");

    GenericKubernetesResource fresh = trainings().withName("updated").get();
    fresh.getAdditionalProperties().put("status", Map.of("phase", "Dancing"));
    KubernetesClientException status = catchThrowableOfType(KubernetesClientException.class, () -> trainings().resource(fresh).updateStatus());
    assertThat(status.getStatus().getDetails().getCauses().get(0).getField()).isEqualTo("status.phase");
    fresh.getAdditionalProperties().put("status", Map.of("phase", "Running", "round", 1));
    trainings().resource(fresh).updateStatus();
    assertThat(trainings().withName("updated").get().getAdditionalProperties().get("status")).isEqualTo(Map.of("phase", "Running", "round", 1));
  }
}
