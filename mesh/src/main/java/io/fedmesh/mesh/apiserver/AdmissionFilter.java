package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Puts {@link Admission} in front of the CRUD store's create, update and patch of custom resources
 * of the given groups: the request is admitted against the stored CRD and either refused (nothing
 * is stored) or handed on rewritten to carry the pruned, defaulted object. A patch is applied to
 * the stored object first and handed on as the JSON patch from the stored to the admitted object,
 * so the store's own checks (resourceVersion, finalizers, status) still run on it.
 */
public final class AdmissionFilter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Function<String, MockResponse> store;
  private final Admission admission;
  private final Set<String> groups;

  /**
   * @param store reads a path from the CRUD store (GET)
   * @param groups the API groups whose custom resources are admitted (others pass untouched)
   */
  public AdmissionFilter(Function<String, MockResponse> store, Set<String> groups) {
    this.store = store;
    this.admission = new Admission(store);
    this.groups = Set.copyOf(groups);
  }

  /** A request's target: the kind it writes, the object's path, whether it writes status. */
  private record Target(Admission.Kind kind, String objectPath, boolean status, Admission.FieldValidation fieldValidation) {}

  public MockResponse create(RecordedRequest request, Function<RecordedRequest, MockResponse> next) {
    Optional<Target> target = target(request, false);
    Optional<JsonNode> body = target.flatMap(t -> read(request)).filter(JsonNode::isObject);
    if (body.isEmpty()) {
      return next.apply(request);
    }
    return decide(target.get(), body.get(), null, next, admitted -> rewrite(request, "application/json", admitted.toString()));
  }

  public MockResponse update(RecordedRequest request, Function<RecordedRequest, MockResponse> next) {
    Optional<Target> target = target(request, true);
    Optional<JsonNode> body = target.flatMap(t -> read(request)).filter(JsonNode::isObject);
    Optional<JsonNode> stored = target.flatMap(t -> stored(t.objectPath()));
    if (body.isEmpty() || stored.isEmpty()) {
      return next.apply(request); // not ours, unreadable or absent: the store answers as before
    }
    return decide(target.get(), body.get(), stored.get(), next, admitted -> rewrite(request, "application/json", admitted.toString()));
  }

  public MockResponse patch(RecordedRequest request, Function<RecordedRequest, MockResponse> next) {
    Optional<Target> target = target(request, true);
    Optional<JsonNode> body = target.flatMap(t -> read(request));
    Optional<JsonNode> stored = target.flatMap(t -> stored(t.objectPath()));
    if (body.isEmpty() || stored.isEmpty()) {
      return next.apply(request);
    }
    Optional<JsonNode> patched;
    try {
      patched = Patches.apply(stored.get(), request.getHeader("Content-Type"), body.get());
    } catch (Patches.PatchFailed e) {
      return Refusals.badRequest(422, "Invalid", e.getMessage());
    }
    if (patched.isEmpty()) {
      return next.apply(request); // strategic merge or apply patch: the store refuses it (415)
    }
    if (!patched.get().isObject()) {
      return Refusals.badRequest(422, "Invalid", "the patched " + target.get().kind().kind() + " is not a JSON object: a merge patch must be an object");
    }
    return decide(target.get(), patched.get(), stored.get(), next,
        admitted -> rewrite(request, Patches.JSON_PATCH, JsonDiff.asJson(stored.get(), admitted).toString()));
  }

  private MockResponse decide(Target target, JsonNode candidate, JsonNode stored, Function<RecordedRequest, MockResponse> next,
      Function<JsonNode, RecordedRequest> rewritten) {
    Admission.Decision decision = admission.admit(target.kind(), candidate, stored, target.status(), target.fieldValidation());
    if (decision instanceof Admission.Decision.Refused refused) {
      return refused.response();
    }
    Admission.Decision.Admitted admitted = (Admission.Decision.Admitted) decision;
    MockResponse response = next.apply(rewritten.apply(admitted.object()));
    admitted.warnings().forEach(w -> response.addHeader("Warning", "299 - " + FieldError.quoted(w)));
    return response;
  }

  /** The kind a create (of a collection) or an update or patch (of an object or its status) writes, if it is one to admit. */
  private Optional<Target> target(RecordedRequest request, boolean named) {
    String[] pathAndQuery = (request.getPath() == null ? "" : request.getPath()).split("\\?", 2);
    String path = pathAndQuery[0].replaceAll("/+$", "");
    if (!path.startsWith("/apis/")) {
      return Optional.empty();
    }
    String[] segments = path.substring("/apis/".length()).split("/");
    int resource = segments.length > 3 && segments[2].equals("namespaces") ? 4 : 2;
    int after = segments.length - resource; // 1: collection, 2: object, 3: subresource
    boolean status = after == 3 && segments[segments.length - 1].equals("status");
    boolean wanted = named ? after == 2 || status : after == 1;
    if (segments.length < 3 || !wanted || !groups.contains(segments[0])) {
      return Optional.empty();
    }
    String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
    Admission.FieldValidation fieldValidation = Admission.FieldValidation.of(query(pathAndQuery.length > 1 ? pathAndQuery[1] : "", "fieldValidation"));
    return admission.kind(segments[0], segments[1], segments[resource]).map(kind -> new Target(kind, objectPath, status, fieldValidation));
  }

  private static String query(String query, String name) {
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private Optional<JsonNode> stored(String objectPath) {
    MockResponse r = store.apply(objectPath);
    if (r == null || r.code() != 200 || r.getBody() == null) {
      return Optional.empty();
    }
    return parse(r.getBody().getBytes());
  }

  /** The request's JSON body when it is a JSON object (or a JSON patch array); anything else the store judges. */
  private static Optional<JsonNode> read(RecordedRequest request) {
    return request.getBody() == null ? Optional.empty() : parse(request.getBody().getBytes());
  }

  private static Optional<JsonNode> parse(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(bytes);
      return node != null && (node.isObject() || node.isArray()) ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The same request carrying another body (the admitted object, or the JSON patch to it). */
  private static RecordedRequest rewrite(RecordedRequest request, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var headers = request.getHeaders().newBuilder().set("Content-Type", contentType).set("Content-Length", String.valueOf(bytes.length)).build();
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), headers, new Buffer(bytes));
  }
}
