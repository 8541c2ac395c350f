package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a PATCH body to the stored object, so that admission judges the object the patch would
 * store. JSON patches are applied as the fabric8 mock applies them (it adds missing parent objects
 * first), merge patches as RFC 7386 says (null removes a field, which is how kubectl apply
 * deletes). Strategic merge and apply patches are left to the store, which refuses them for custom
 * resources as a real server does (415).
 */
final class Patches {
  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";

  /** Thrown when the patch cannot be applied to the stored object. */
  static final class PatchFailed extends Exception {
    PatchFailed(String message) {
      super(message);
    }
  }

  /** The patched object, or empty when the patch type is not one this layer applies. */
  static Optional<JsonNode> apply(JsonNode stored, String contentType, JsonNode patch) throws PatchFailed {
    String type = contentType == null ? JSON_PATCH : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    switch (type) {
      case JSON_PATCH -> {
        if (!patch.isArray()) {
          throw new PatchFailed("a JSON patch must be an array of operations");
        }
        try {
          return Optional.of(JsonPatch.apply(patch, withParents(stored.deepCopy(), patch)));
        } catch (RuntimeException e) {
          throw new PatchFailed("the JSON patch cannot be applied: " + e.getMessage());
        }
      }
      case MERGE_PATCH -> {
        return Optional.of(merge(stored.deepCopy(), patch));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  /** The mock's leniency, kept so clients that relied on it still work: missing parents of a patched path become objects. */
  private static JsonNode withParents(JsonNode resource, JsonNode patch) {
    for (JsonNode op : patch) {
      String[] segments = op.path("path").asText("").replaceAll("^/", "").split("/");
      JsonNode node = resource;
      for (int i = 0; i < segments.length - 1; i++) {
        String segment = segments[i].replace("~1", "/").replace("~0", "~");
        if (node.get(segment) == null && node instanceof ObjectNode object) {
          object.putObject(segment);
        }
        node = node.path(segment);
      }
    }
    return resource;
  }

  private Patches() {}
}
