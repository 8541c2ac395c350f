package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code Status} bodies a Kubernetes API server answers a refused write with. */
final class Refusals {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 422 Invalid: the object broke its schema or a CEL rule; nothing was stored. */
  static MockResponse invalid(String kind, String group, String name, List<FieldError> errors) {
    String listed = errors.size() == 1 ? errors.get(0).describe()
        : errors.stream().map(FieldError::describe).collect(Collectors.joining(", ", "[", "]"));
    ObjectNode status = status(422, "Invalid", kind + "." + group + " " + FieldError.quoted(name) + " is invalid: " + listed);
    ObjectNode details = status.putObject("details").put("name", name).put("group", group).put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    errors.forEach(e -> causes.addObject().put("reason", e.reason()).put("message", e.message()).put("field", e.field()));
    return response(422, status);
  }

  /** 400 BadRequest: fieldValidation=Strict and the object carries fields its schema does not know. */
  static MockResponse unknownFields(String kind, String version, List<String> unknown) {
    String fields = unknown.stream().map(f -> "unknown field " + FieldError.quoted(f)).collect(Collectors.joining(", "));
    return response(400, status(400, "BadRequest",
        kind + " in version " + FieldError.quoted(version) + " cannot be handled as a " + kind + ": strict decoding error: " + fields));
  }

  /** A request body or patch that cannot be read or applied. */
  static MockResponse badRequest(int code, String reason, String message) {
    return response(code, status(code, reason, message));
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
  }

  private static MockResponse response(int code, ObjectNode status) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(status.toString());
  }

  private Refusals() {}
}
