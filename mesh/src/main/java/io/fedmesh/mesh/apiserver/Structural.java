package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Reading a CRD's structural schema node: what its children are and what it tolerates. */
final class Structural {
  /** Fields every object of a kind carries whatever its schema says (the server handles metadata itself). */
  static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  /** The schema of a property, or null when the schema does not declare it. */
  static JsonNode property(JsonNode schema, String name) {
    JsonNode p = schema.path("properties").get(name);
    if (p != null) {
      return p;
    }
    return additionalSchema(schema);
  }

  /** The schema of a map's values ({@code additionalProperties: {...}}), or null. */
  static JsonNode additionalSchema(JsonNode schema) {
    JsonNode ap = schema.get("additionalProperties");
    return ap != null && ap.isObject() ? ap : null;
  }

  /** Whether fields the schema does not declare are kept (preserve-unknown-fields, additionalProperties: true, embedded resources). */
  static boolean keepsUnknown(JsonNode schema) {
    return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || schema.path("additionalProperties").asBoolean(false);
  }

  static boolean embedded(JsonNode schema) {
    return schema.path("x-kubernetes-embedded-resource").asBoolean(false);
  }

  static boolean nullable(JsonNode schema) {
    return schema.path("nullable").asBoolean(false);
  }

  static boolean intOrString(JsonNode schema) {
    return schema.path("x-kubernetes-int-or-string").asBoolean(false);
  }

  static String type(JsonNode schema) {
    return schema.path("type").asText("");
  }

  /** A child's path as the API server names fields: {@code spec.participants.minSites}. */
  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  static String item(String path, int index) {
    return path + "[" + index + "]";
  }

  private Structural() {}
}
