package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Applies the {@code default}s of a CRD's structural schema as the API server does before it
 * stores an object: a declared property that is absent (or null where the schema is not nullable)
 * gets a copy of its default, and defaulting goes on inside it, so nested defaults fill a
 * defaulted object too. Nulls the schema does not allow and no default replaces are dropped.
 */
final class Defaults {
  /** Defaults {@code value} in place. */
  static void apply(JsonNode value, JsonNode schema) {
    if (schema == null) {
      return;
    }
    if (value instanceof ObjectNode object) {
      schema.path("properties").fields().forEachRemaining(p -> {
        JsonNode present = object.get(p.getKey());
        JsonNode fallback = p.getValue().get("default");
        boolean absent = present == null || (present.isNull() && !Structural.nullable(p.getValue()));
        if (absent && fallback != null) {
          object.set(p.getKey(), fallback.deepCopy());
        }
      });
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode child = Structural.property(schema, field.getKey());
        if (child == null) {
          continue;
        }
        if (field.getValue().isNull() && !Structural.nullable(child)) {
          it.remove();
          continue;
        }
        apply(field.getValue(), child);
      }
    } else if (value != null && value.isArray()) {
      value.forEach(item -> apply(item, schema.get("items")));
    }
  }

  private Defaults() {}
}
