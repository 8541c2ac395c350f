package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Drops the fields a CRD's structural schema does not declare, as the API server prunes them
 * before storing, and names each one ({@code spec.foo}) so that fieldValidation=Strict can refuse
 * instead and Warn can warn.
 */
final class Pruning {
  /** Prunes {@code object} in place; returns the paths of the fields it dropped. */
  static List<String> prune(JsonNode object, JsonNode rootSchema) {
    List<String> dropped = new ArrayList<>();
    prune(object, rootSchema, "", true, dropped);
    return dropped;
  }

  private static void prune(JsonNode value, JsonNode schema, String path, boolean resourceRoot, List<String> dropped) {
    if (schema == null) {
      return;
    }
    if (value instanceof ObjectNode object) {
      boolean keep = Structural.keepsUnknown(schema);
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey();
        if (resourceRoot && Structural.ROOT_FIELDS.contains(name)) {
          continue; // metadata is the server's own; apiVersion and kind route the request
        }
        JsonNode child = Structural.property(schema, name);
        if (child == null) {
          if (!keep) {
            dropped.add(Structural.child(path, name));
            it.remove();
          }
          continue;
        }
        prune(field.getValue(), child, Structural.child(path, name), Structural.embedded(child), dropped);
      }
    } else if (value != null && value.isArray()) {
      JsonNode items = schema.get("items");
      for (int i = 0; i < value.size(); i++) {
        prune(value.get(i), items, Structural.item(path, i), items != null && Structural.embedded(items), dropped);
      }
    }
  }

  private Pruning() {}
}
