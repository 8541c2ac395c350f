package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents a real API server serves and kubectl reads before anything else
 * (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`): the fedmesh group from the
 * installed CRDs, with their short names, categories and status subresources, and the few built-in
 * kinds the mesh uses. The fabric8 mock server answers these paths with lists of CRDs, which
 * kubectl cannot read.
 */
final class Discovery {
  static final String KUBE_VERSION_MINOR = "32";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** A built-in resource: name, kind, namespaced, short names. */
  private record BuiltIn(String group, String version, String name, String kind, boolean namespaced, List<String> shortNames) {}

  private static final List<BuiltIn> BUILT_INS = List.of(
      new BuiltIn("", "v1", "namespaces", "Namespace", false, List.of("ns")),
      new BuiltIn("", "v1", "events", "Event", true, List.of("ev")),
      new BuiltIn("", "v1", "configmaps", "ConfigMap", true, List.of("cm")),
      new BuiltIn("", "v1", "secrets", "Secret", true, List.of()),
      new BuiltIn("", "v1", "services", "Service", true, List.of("svc")),
      new BuiltIn("", "v1", "pods", "Pod", true, List.of("po")),
      new BuiltIn("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa")),
      new BuiltIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds")),
      new BuiltIn("coordination.k8s.io", "v1", "leases", "Lease", true, List.of()),
      new BuiltIn("events.k8s.io", "v1", "events", "Event", true, List.of("ev")));

  private Discovery() {}

  static String version() {
    ObjectNode v = JSON.createObjectNode().put("major", "1").put("minor", KUBE_VERSION_MINOR)
        .put("gitVersion", "v1." + KUBE_VERSION_MINOR + ".0-fedmesh-embedded").put("gitCommit", "fedmesh").put("gitTreeState", "clean")
        .put("buildDate", "2026-01-01T00:00:00Z").put("goVersion", "n/a").put("compiler", "n/a").put("platform", "fedmesh/embedded");
    return v.toString();
  }

  static String coreVersions() {
    ObjectNode v = JSON.createObjectNode().put("kind", "APIVersions");
    v.putArray("versions").add("v1");
    v.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
    return v.toString();
  }

  /** `/apis`: every group, the fedmesh ones from the CRDs. */
  static String groups(List<JsonNode> crds) {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    java.util.LinkedHashMap<String, java.util.LinkedHashSet<String>> versions = new java.util.LinkedHashMap<>();
    for (BuiltIn b : BUILT_INS) {
      if (!b.group.isEmpty()) {
        versions.computeIfAbsent(b.group, g -> new java.util.LinkedHashSet<>()).add(b.version);
      }
    }
    for (JsonNode crd : crds) {
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("served").asBoolean(true)) {
          versions.computeIfAbsent(crd.path("spec").path("group").asText(), g -> new java.util.LinkedHashSet<>()).add(v.path("name").asText());
        }
      }
    }
    versions.forEach((group, vs) -> {
      ObjectNode g = groups.addObject().put("name", group);
      ArrayNode arr = g.putArray("versions");
      vs.forEach(v -> arr.addObject().put("groupVersion", group + "/" + v).put("version", v));
      String preferred = vs.iterator().next();
      g.putObject("preferredVersion").put("groupVersion", group + "/" + preferred).put("version", preferred);
    });
    return list.toString();
  }

  /** The resources of one group/version ("" group: the core `/api/v1`), or empty when nothing serves it. */
  static Optional<String> resources(String group, String version, List<JsonNode> crds) {
    ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (BuiltIn b : BUILT_INS) {
      if (b.group.equals(group) && b.version.equals(version)) {
        ObjectNode r = resource(resources, b.name, b.name.substring(0, b.name.length() - 1), b.kind, b.namespaced, ALL_VERBS);
        b.shortNames.forEach(r.withArray("shortNames")::add);
      }
    }
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      boolean served = false;
      JsonNode subresources = null;
      for (JsonNode v : spec.path("versions")) {
        if (v.path("name").asText().equals(version) && v.path("served").asBoolean(true)) {
          served = true;
          subresources = v.path("subresources");
        }
      }
      if (!spec.path("group").asText().equals(group) || !served) {
        continue;
      }
      JsonNode names = spec.path("names");
      boolean namespaced = "Namespaced".equals(spec.path("scope").asText());
      ObjectNode r = resource(resources, names.path("plural").asText(), names.path("singular").asText(), names.path("kind").asText(),
          namespaced, ALL_VERBS);
      names.path("shortNames").forEach(s -> r.withArray("shortNames").add(s.asText()));
      names.path("categories").forEach(c -> r.withArray("categories").add(c.asText()));
      if (subresources != null && subresources.has("status")) {
        resource(resources, names.path("plural").asText() + "/status", "", names.path("kind").asText(), namespaced, List.of("get", "patch", "update"));
      }
    }
    return resources.isEmpty() ? Optional.empty() : Optional.of(list.toString());
  }

  private static ObjectNode resource(ArrayNode into, String name, String singular, String kind, boolean namespaced, List<String> verbs) {
    ObjectNode r = into.addObject().put("name", name).put("singularName", singular).put("namespaced", namespaced).put("kind", kind);
    verbs.forEach(r.putArray("verbs")::add);
    return r;
  }
}
