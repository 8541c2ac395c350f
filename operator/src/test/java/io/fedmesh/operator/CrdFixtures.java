package io.fedmesh.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.util.List;

/** Installs the generated CRDs (from the fedmesh-crds jar) into a mock API server: status subresources need them. */
final class CrdFixtures {
  private CrdFixtures() {}

  static void install(KubernetesClient client) throws Exception {
    for (String plural : List.of("edgesites", "distributedmodels", "federatedtrainings", "hpcclusters", "simulationbursts")) {
      try (InputStream in = CrdFixtures.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + plural + ".fedmesh.io-v1.yml")) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).create();
      }
    }
  }
}
