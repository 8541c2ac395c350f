package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAPI v3 as a real API server publishes it for custom resources: an index of group/versions at
 * `/openapi/v3`, and per group/version a document whose schemas are the CRDs' structural schemas,
 * tagged with their group, version and kind. `kubectl explain` reads fields and descriptions from
 * here; `kubectl apply` learns from it which kinds the server knows.
 */
final class OpenApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenApi() {}

  static Optional<String> answer(String path, List<JsonNode> crds) {
    String rest = path.substring("/openapi/v3".length());
    if (rest.isEmpty() || rest.equals("/")) {
      return Optional.of(index(crds));
    }
    String gv = rest.substring(1);
    return groupVersions(crds).contains(gv) ? Optional.of(document(gv, crds)) : Optional.empty();
  }

  private static Set<String> groupVersions(List<JsonNode> crds) {
    Set<String> all = new LinkedHashSet<>(List.of("api/v1", "apis/apiextensions.k8s.io/v1", "apis/coordination.k8s.io/v1"));
    for (JsonNode crd : crds) {
      for (JsonNode v : crd.path("spec").path("versions")) {
        all.add("apis/" + crd.path("spec").path("group").asText() + "/" + v.path("name").asText());
      }
    }
    return all;
  }

  private static String index(List<JsonNode> crds) {
    ObjectNode index = JSON.createObjectNode();
    ObjectNode paths = index.putObject("paths");
    for (String gv : groupVersions(crds)) {
      // the hash makes clients refetch when a CRD changes: its resourceVersions are in it
      paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + Integer.toHexString(hash(gv, crds)));
    }
    return index.toString();
  }

  private static int hash(String gv, List<JsonNode> crds) {
    StringBuilder versions = new StringBuilder(gv);
    crds.forEach(c -> versions.append(c.path("metadata").path("resourceVersion").asText()));
    return versions.toString().hashCode();
  }

  private static String document(String gv, List<JsonNode> crds) {
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "fedmesh embedded API server").put("version", "v1." + Discovery.KUBE_VERSION_MINOR);
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      for (JsonNode v : spec.path("versions")) {
        if (!gv.equals("apis/" + spec.path("group").asText() + "/" + v.path("name").asText())) {
          continue;
        }
        ObjectNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
        ObjectNode properties = schema.withObject("properties");
        properties.putObject("apiVersion").put("type", "string")
            .put("description", "APIVersion defines the versioned schema of this representation of an object.");
        properties.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the REST resource.");
        if (!properties.has("metadata") || properties.path("metadata").size() <= 1) {
          properties.putObject("metadata").put("type", "object").put("description", "Standard object's metadata.");
        }
        schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", spec.path("group").asText())
            .put("kind", spec.path("names").path("kind").asText()).put("version", v.path("name").asText());
        String name = reverse(spec.path("group").asText()) + "." + v.path("name").asText() + "." + spec.path("names").path("kind").asText();
        schemas.set(name, schema);
        paths(paths, spec, v.path("name").asText(), name);
      }
    }
    return doc.toString();
  }

  /**
   * The operations of one resource, each tagged with its kind and pointing at its schema: kubectl
   * explain finds a resource's schema through them, and kubectl apply sees from the
   * fieldValidation parameter that the server validates fields itself (see {@code Admission}).
   */
  private static void paths(ObjectNode paths, JsonNode spec, String version, String schemaName) {
    String group = spec.path("group").asText();
    String plural = spec.path("names").path("plural").asText();
    boolean namespaced = "Namespaced".equals(spec.path("scope").asText());
    String collection = "/apis/" + group + "/" + version + (namespaced ? "/namespaces/{namespace}/" : "/") + plural;
    ObjectNode gvk = JSON.createObjectNode().put("group", group).put("version", version).put("kind", spec.path("names").path("kind").asText());
    ObjectNode list = paths.putObject(collection);
    operation(list, "get", "list", gvk, schemaName, false);
    operation(list, "post", "post", gvk, schemaName, true);
    ObjectNode one = paths.putObject(collection + "/{name}");
    operation(one, "get", "get", gvk, schemaName, false);
    operation(one, "put", "put", gvk, schemaName, true);
    operation(one, "patch", "patch", gvk, schemaName, true);
    operation(one, "delete", "delete", gvk, schemaName, false);
  }

  private static void operation(ObjectNode path, String method, String action, ObjectNode gvk, String schemaName, boolean writes) {
    ObjectNode op = path.putObject(method).put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk);
    ObjectNode ref = JSON.createObjectNode().put("$ref", "#/components/schemas/" + schemaName);
    op.putObject("responses").putObject("200").put("description", "OK").putObject("content").putObject("application/json").set("schema", ref);
    if (writes) {
      op.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
          .put("description", "Strict, Warn or Ignore: what the server does with unknown or duplicate fields")
          .putObject("schema").put("type", "string").put("uniqueItems", true);
      op.putObject("requestBody").putObject("content").putObject("application/json").set("schema", ref.deepCopy());
    }
  }

  /** fedmesh.io → io.fedmesh, as real servers name definitions. */
  private static String reverse(String group) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts);
  }
}
