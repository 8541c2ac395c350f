package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The CRD YAML the build generated from the Java model (target/classes/META-INF/fabric8). */
final class GeneratedCrds {
  static final List<String> PLURALS = List.of(EdgeSite.PLURAL, DistributedModel.PLURAL, FederatedTraining.PLURAL, HpcCluster.PLURAL,
      SimulationBurst.PLURAL);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static String fileName(String plural) {
    return plural + ".fedmesh.io-v1.yml";
  }

  static byte[] bytes(String plural) throws IOException {
    try (InputStream in = GeneratedCrds.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + fileName(plural))) {
      if (in == null) {
        throw new IllegalStateException("generated CRD " + fileName(plural) + " missing: run ./mvnw -pl crds process-classes");
      }
      return in.readAllBytes();
    }
  }

  static JsonNode tree(String plural) throws IOException {
    return YAML.readTree(bytes(plural));
  }

  private GeneratedCrds() {}
}
