package io.fedmesh.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the operator's own pod {@code fedmesh.io/leader=true} while it leads, so the coordinator
 * Service (which selects that label) sends agents to the leader alone, and every replica can be
 * Ready. A standby removes the label from its pod when it starts (a restarted former leader). The
 * pod is named by the downward API (POD_NAME, POD_NAMESPACE); without them nothing is labelled.
 */
public final class LeaderPodLabel {
  public static final String LABEL = "fedmesh.io/leader";
  private static final Logger LOG = LoggerFactory.getLogger(LeaderPodLabel.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String pod;

  public LeaderPodLabel(KubernetesClient client, String namespace, String pod) {
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
  }

  /** From the environment the chart sets; null when the operator does not run in a pod. */
  public static LeaderPodLabel fromEnvironment(KubernetesClient client) {
    String pod = System.getenv("POD_NAME");
    String ns = System.getenv("POD_NAMESPACE");
    if (pod == null || pod.isBlank() || ns == null || ns.isBlank()) {
      LOG.info("POD_NAME/POD_NAMESPACE not set: the leader's pod is not labelled {} (fine outside Kubernetes)", LABEL);
      return null;
    }
    return new LeaderPodLabel(client, ns, pod);
  }

  /** This pod leads: the Service now selects it. */
  public void lead() {
    patch(PatchType.JSON_MERGE, "{\"metadata\":{\"labels\":{\"" + LABEL + "\":\"true\"}}}", "labelled " + LABEL + "=true");
  }

  /**
   * This pod stands by: the Service must not select it. A JSON Patch remove, only when the label is
   * there (the mock API server keeps a merge patch's null instead of deleting the key).
   */
  public void standBy() {
    try {
      if (!leads()) {
        return;
      }
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}/{}: cannot read it ({}); grant the operator get/patch on pods", namespace, pod, e.getMessage());
      return;
    }
    patch(PatchType.JSON, "[{\"op\":\"remove\",\"path\":\"/metadata/labels/" + LABEL.replace("/", "~1") + "\"}]",
        "removed " + LABEL);
  }

  private void patch(PatchType type, String body, String done) {
    try {
      client.pods().inNamespace(namespace).withName(pod).patch(PatchContext.of(type), body);
      LOG.info("pod {}/{}: {}", namespace, pod, done);
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}/{}: could not patch its labels ({}): the Service cannot find the leader; grant the operator"
          + " get/patch on pods (the chart's RBAC does)", namespace, pod, e.getMessage());
    }
  }

  public boolean leads() {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    return p != null && p.getMetadata().getLabels() != null && "true".equals(p.getMetadata().getLabels().get(LABEL));
  }
}
