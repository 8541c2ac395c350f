package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the API server does to a custom resource between reading the request and storing it, in
 * its order: prune the fields the CRD's schema does not declare (or refuse them under
 * fieldValidation=Strict), apply the schema's defaults, check the schema, then the CEL rules (only
 * when the schema holds: the server does not run rules on an object of the wrong shape). A write
 * of the status subresource is held to the status part of the schema only; any other write of a
 * kind with a status subresource leaves status alone, as the store keeps the old one.
 */
public final class Admission {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/";
  private static final FieldError RULES_NOT_CHECKED = FieldError.invalid("<nil>", "\"null\"",
      "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation");

  /** How a request asks unknown fields to be treated (the fieldValidation query parameter). */
  public enum FieldValidation {
    IGNORE, WARN, STRICT;

    static FieldValidation of(String value) {
      return switch (value == null ? "" : value) {
        case "Strict" -> STRICT;
        case "Ignore" -> IGNORE;
        default -> WARN; // the API server's default when the parameter is absent
      };
    }
  }

  /** The outcome: the object to store (pruned and defaulted) with warnings, or the refusal to answer. */
  public sealed interface Decision {
    record Admitted(JsonNode object, List<String> warnings) implements Decision {}

    record Refused(MockResponse response) implements Decision {}
  }

  /** One kind's version of a CRD as admission needs it. */
  record Kind(String kind, String group, String version, JsonNode schema, boolean statusSubresource) {}

  private record Cached(String raw, Map<String, Kind> byVersion) {}

  private final Function<String, MockResponse> store;
  private final Map<String, Cached> crds = new ConcurrentHashMap<>();

  /** @param store reads a path from the CRUD store (GET), where the CRDs are */
  public Admission(Function<String, MockResponse> store) {
    this.store = store;
  }

  /** The stored CRD's kind for {@code plural.group} at {@code version}, or empty when there is none to admit against. */
  Optional<Kind> kind(String group, String version, String plural) {
    MockResponse r = store.apply(CRDS + plural + "." + group);
    if (r == null || r.code() != 200 || r.getBody() == null) {
      return Optional.empty();
    }
    String raw = new String(r.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    Cached cached = crds.get(plural + "." + group);
    if (cached == null || !cached.raw().equals(raw)) {
      cached = new Cached(raw, parse(raw));
      crds.put(plural + "." + group, cached);
    }
    return Optional.ofNullable(cached.byVersion().get(version));
  }

  private static Map<String, Kind> parse(String raw) {
    Map<String, Kind> versions = new ConcurrentHashMap<>();
    try {
      JsonNode crd = JSON.readTree(raw);
      JsonNode spec = crd.path("spec");
      for (JsonNode v : spec.path("versions")) {
        JsonNode schema = v.path("schema").path("openAPIV3Schema");
        if (schema.isObject()) {
          versions.put(v.path("name").asText(), new Kind(spec.path("names").path("kind").asText(), spec.path("group").asText(),
              v.path("name").asText(), schema, v.path("subresources").has("status")));
        }
      }
    } catch (IOException e) {
      return versions; // a CRD the store cannot give back as JSON has no schema to admit against
    }
    return versions;
  }

  /**
   * Admits {@code candidate}, the object as it would be stored.
   *
   * @param stored the object stored now (an update or patch), or null (a create)
   * @param statusWrite whether the request writes the status subresource
   */
  public Decision admit(Kind kind, JsonNode candidate, JsonNode stored, boolean statusWrite, FieldValidation fieldValidation) {
    boolean onlyStatus = statusWrite;
    boolean skipStatus = !statusWrite && kind.statusSubresource();
    JsonNode schema = focusSchema(kind.schema(), onlyStatus, skipStatus);
    ObjectNode view = focus(candidate, onlyStatus, skipStatus);
    List<String> unknown = Pruning.prune(view, schema);
    if (!unknown.isEmpty() && fieldValidation == FieldValidation.STRICT) {
      return new Decision.Refused(Refusals.unknownFields(kind.kind(), kind.version(), unknown));
    }
    Defaults.apply(view, schema);
    List<FieldError> errors = new ArrayList<>(SchemaValidator.validate(view, schema));
    if (errors.isEmpty()) {
      errors.addAll(CelRules.validate(view, stored == null ? null : focus(stored, onlyStatus, skipStatus), schema));
    } else if (hasRules(schema)) {
      errors.add(RULES_NOT_CHECKED);
    }
    if (!errors.isEmpty()) {
      String name = candidate.path("metadata").path("name").asText(candidate.path("metadata").path("generateName").asText(""));
      return new Decision.Refused(Refusals.invalid(kind.kind(), kind.group(), name, errors));
    }
    List<String> warnings = fieldValidation == FieldValidation.WARN
        ? unknown.stream().map(f -> "unknown field " + FieldError.quoted(f)).toList() : List.of();
    return new Decision.Admitted(unfocus(candidate, view, onlyStatus), warnings);
  }

  /** The part of the object this write is judged on: its status alone, or all but its status. */
  private static ObjectNode focus(JsonNode object, boolean onlyStatus, boolean skipStatus) {
    ObjectNode view = JSON.createObjectNode();
    if (onlyStatus) {
      if (object.has("status")) {
        view.set("status", object.get("status").deepCopy());
      }
      return view;
    }
    view.setAll((ObjectNode) object.deepCopy());
    if (skipStatus) {
      view.remove("status");
    }
    return view;
  }

  private static JsonNode unfocus(JsonNode candidate, ObjectNode view, boolean onlyStatus) {
    ObjectNode result = (ObjectNode) candidate.deepCopy();
    if (onlyStatus) {
      if (view.has("status")) {
        result.set("status", view.get("status"));
      }
      return result;
    }
    JsonNode status = candidate.get("status");
    result.removeAll();
    result.setAll(view);
    if (status != null && !view.has("status")) {
      result.set("status", status.deepCopy());
    }
    return result;
  }

  private static JsonNode focusSchema(JsonNode root, boolean onlyStatus, boolean skipStatus) {
    if (!onlyStatus && !skipStatus) {
      return root;
    }
    ObjectNode schema = (ObjectNode) root.deepCopy();
    ObjectNode properties = schema.with("properties");
    ArrayNode required = JSON.createArrayNode();
    schema.path("required").forEach(r -> {
      if (onlyStatus == r.asText().equals("status")) {
        required.add(r);
      }
    });
    schema.set("required", required);
    if (onlyStatus) {
      properties.retain("status");
      schema.remove("x-kubernetes-validations"); // rules on the whole object concern spec too
    } else {
      properties.remove("status");
    }
    return schema;
  }

  private static boolean hasRules(JsonNode schema) {
    if (schema.has("x-kubernetes-validations")) {
      return true;
    }
    for (JsonNode child : schema) {
      if (child.isContainerNode() && hasRules(child)) {
        return true;
      }
    }
    return false;
  }
}
