package io.fedmesh.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.InvocationTargetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes status with a JSON merge patch from a minimal object holding only name, namespace and
 * status, so concurrent writers never overwrite each other's spec and no resourceVersion races.
 */
public final class StatusPatcher {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPatcher.class);

  private final KubernetesClient client;

  public StatusPatcher(KubernetesClient client) {
    this.client = client;
  }

  /** Patches the status; returns false (and logs) when the resource is gone. */
  public <S, R extends CustomResource<?, S>> boolean patch(Class<R> type, String namespace, String name, S status) {
    R minimal;
    try {
      minimal = type.getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException | InvocationTargetException e) {
      throw new IllegalStateException("custom resource " + type + " needs a public no-arg constructor", e);
    }
    minimal.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    minimal.setStatus(status);
    try {
      client.resource(minimal).patchStatus();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.debug("{} {}/{} is gone; status not written", type.getSimpleName(), namespace, name);
        return false;
      }
      throw e;
    }
  }

  public static String key(HasMetadata r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }
}
