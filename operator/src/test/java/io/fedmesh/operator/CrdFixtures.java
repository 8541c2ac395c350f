package io.fedmesh.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.util.List;

/**
 * What the operator's mock-API tests share: the generated CRDs (from the fedmesh-crds jar; status
 * subresources need them), a small model, and an operator on a loopback port.
 */
final class CrdFixtures {
  private CrdFixtures() {}

  /** A 2-3-2 MLP named {@code name} in namespace default. */
  static void model(KubernetesClient client, String name) {
    io.fedmesh.api.v1alpha1.DistributedModel dm = new io.fedmesh.api.v1alpha1.DistributedModel();
    dm.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("default").build());
    io.fedmesh.api.v1alpha1.DistributedModelSpec s = new io.fedmesh.api.v1alpha1.DistributedModelSpec();
    s.architecture = new io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(3);
    s.inputShape = List.of(2);
    s.outputShape = List.of(2);
    dm.setSpec(s);
    client.resource(dm).create();
  }

  /** Namespace default, the coordinator on {@code port}, no TLS, no leader election. */
  static OperatorConfig config(java.nio.file.Path checkpoints, int port, java.time.Duration heartbeat, java.time.Duration timeout) {
    return new OperatorConfig("default", false, new io.fedmesh.common.grpc.HostPort("127.0.0.1", port), checkpoints, heartbeat, timeout,
        null, null, -1, false);
  }

  static void install(KubernetesClient client) throws Exception {
    for (String plural : List.of("edgesites", "distributedmodels", "federatedtrainings", "hpcclusters", "simulationbursts")) {
      try (InputStream in = CrdFixtures.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + plural + ".fedmesh.io-v1.yml")) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.resource(crd).create();
      }
    }
  }
}
