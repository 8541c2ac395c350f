package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.operator.validation.TrainingValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples a user applies as they are: they parse into the Java model, pass the operator's
 * validation and are admitted by the embedded API server as kubectl apply sends them
 * (fieldValidation=Strict: no field the CRD does not know, every schema bound and CEL rule held).
 */
class ExamplesTest {
  static List<Path> yamls() throws Exception {
    try (Stream<Path> s = Files.walk(Path.of("..", "examples"))) {
      // scenarios/ holds WAN scenarios for ./fedmesh local --scenario, not Kubernetes resources (ScenarioLoaderTest reads them)
      return s.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !p.getParent().getFileName().toString().equals("scenarios"))
          .sorted().toList();
    }
  }

  @Test
  void everyExampleIsAValidFedmeshResource() throws Exception {
    List<Path> files = yamls();
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      HasMetadata r = Serialization.unmarshal(Files.readString(f));
      assertThat(r.getApiVersion()).as(f.toString()).isEqualTo("fedmesh.io/v1alpha1");
      assertThat(r.getMetadata().getName()).as(f.toString()).isNotBlank();
      if (r instanceof FederatedTraining ft) {
        assertThat(new TrainingValidator().validate(ft.getSpec()).problems()).as(f.toString()).isEmpty();
      } else if (r instanceof DistributedModel dm) {
        assertThat(new ModelResolver().resolve(dm.getSpec()).spec()).as(f.toString()).isNotNull();
      } else if (r instanceof io.fedmesh.api.v1alpha1.SimulationBurst burst) {
        assertThat(io.fedmesh.operator.hpc.SimulationBurstReconciler.validate(burst.getSpec())).as(f.toString()).isEmpty();
      } else if (r instanceof io.fedmesh.api.v1alpha1.HpcCluster cluster) {
        assertThat(cluster.getSpec().bridge.endpoint).as(f.toString()).matches("^[A-Za-z0-9.-]+:[0-9]{1,5}$");
      } else if (r instanceof EdgeSite site) {
        assertThat(site.getSpec().region).as(f.toString()).matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
      }
    }
  }

  @Test
  void everyExampleIsAdmittedByTheApiServerUnderStrictFieldValidation() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start()) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (Path f : yamls()) {
        io.fabric8.kubernetes.api.model.GenericKubernetesResource r =
            Serialization.unmarshal(Files.readString(f), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        String ns = r.getMetadata().getNamespace() == null ? "default" : r.getMetadata().getNamespace();
        String plural = r.getKind().toLowerCase(java.util.Locale.ROOT) + "s";
        java.net.URI uri = java.net.URI.create(cluster.url().replaceAll("/$", "") + "/apis/" + r.getApiVersion() + "/namespaces/" + ns + "/"
            + plural + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict");
        java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(Serialization.asJson(r))).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(f + " answered " + answer.body()).isEqualTo(201);
      }
    }
  }
}
