package io.fedmesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Lets tests in sub-packages install the CRDs. */
public final class CrdFixturesAccess {
  private CrdFixturesAccess() {}

  public static void install(KubernetesClient client) throws Exception {
    CrdFixtures.install(client);
  }
}
