package io.fedmesh.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes status through the status subresource with a JSON Patch that sets each top-level field
 * the caller filled in ("add" replaces an existing member): fields the caller left null stay as
 * they are, so concurrent writers of different fields never overwrite each other, and lists are
 * replaced, not merged. (A JSON merge patch would do the same on a real API server, but the
 * fabric8 mock server merges arrays element-wise, so the local mesh would see duplicated history.)
 */
public final class StatusPatcher {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPatcher.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final KubernetesClient client;

  public StatusPatcher(KubernetesClient client) {
    this.client = client;
  }

  /** Patches the status; returns false when the resource is gone. */
  public <S, R extends CustomResource<?, S>> boolean patch(Class<R> type, String namespace, String name, S status) {
    ObjectNode fields = Serialization.jsonMapper().valueToTree(status);
    ArrayNode ops = JSON.arrayNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      ops.add(JSON.objectNode().put("op", "add").put("path", "/status/" + f.getKey().replace("~", "~0").replace("/", "~1"))
          .set("value", f.getValue()));
    }
    var resource = client.resources(type).inNamespace(namespace).withName(name).subresource("status");
    R current = client.resources(type).inNamespace(namespace).withName(name).get();
    if (current == null) {
      LOG.debug("{} {}/{} is gone; status not written", type.getSimpleName(), namespace, name);
      return false;
    }
    // a resource without status (or with "status": null, as a finalizer patch can leave it) gets it whole:
    // a field-wise "add /status/x" needs an object to add to
    boolean whole = current.getStatus() == null;
    ArrayNode create = JSON.arrayNode();
    create.add(JSON.objectNode().put("op", "add").put("path", "/status").set("value", fields));
    try {
      resource.patch(PatchContext.of(PatchType.JSON), (whole ? create : ops).toString());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      if (whole) {
        throw e;
      }
      resource.patch(PatchContext.of(PatchType.JSON), create.toString()); // the status went away in between
      return true;
    }
  }

  public static String key(HasMetadata r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }
}
