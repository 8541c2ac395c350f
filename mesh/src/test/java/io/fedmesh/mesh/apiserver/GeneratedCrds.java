package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;

/** The CRDs the build generated (the fedmesh-crds jar's META-INF/fabric8), as admission reads them. */
final class GeneratedCrds {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static final java.util.List<String> PLURALS = java.util.List.of("distributedmodels", "federatedtrainings", "edgesites",
      "hpcclusters", "simulationbursts");

  static JsonNode crd(String plural) throws IOException {
    String resource = "META-INF/fabric8/" + plural + ".fedmesh.io-v1.yml";
    try (InputStream in = GeneratedCrds.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath: run ./mvnw install -pl crds");
      }
      return YAML.readTree(in);
    }
  }

  static Admission.Kind kind(String plural) throws IOException {
    JsonNode crd = crd(plural);
    JsonNode version = crd.path("spec").path("versions").get(0);
    return new Admission.Kind(crd.path("spec").path("names").path("kind").asText(), "fedmesh.io", version.path("name").asText(),
        version.path("schema").path("openAPIV3Schema"), version.path("subresources").has("status"));
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text.replace('\'', '"'));
  }

  private GeneratedCrds() {}
}
