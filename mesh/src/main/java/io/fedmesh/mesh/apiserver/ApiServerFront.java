package io.fedmesh.mesh.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the embedded API server adds in front of the fabric8 mock's CRUD so that the real kubectl
 * can use it: discovery ({@link Discovery}), OpenAPI v3 from the CRD schemas ({@link OpenApi}) and
 * server-side tables for `kubectl get` ({@link Tables}). Everything else goes to the CRUD.
 */
public final class ApiServerFront {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GROUP_VERSION = Pattern.compile("/apis/([^/]+)/([^/]+)/?");
  private static final Pattern CUSTOM_RESOURCE = Pattern.compile("/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/]+)(?:/([^/]+))?/?");
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  /** Reads a path from the CRUD store (GET), as the mock answers it. */
  private final Function<String, MockResponse> store;

  public ApiServerFront(Function<String, MockResponse> store) {
    this.store = store;
  }

  /** The answer to a request this layer serves itself, or empty for the CRUD to handle. */
  public Optional<MockResponse> answer(RecordedRequest request) {
    if (!"GET".equals(request.getMethod()) || request.getPath() == null) {
      return Optional.empty();
    }
    String path = request.getPath().split("\\?")[0];
    switch (path) {
      case "/version", "/version/" -> {
        return json(Discovery.version());
      }
      case "/api", "/api/" -> {
        return json(Discovery.coreVersions());
      }
      case "/api/v1", "/api/v1/" -> {
        return json(Discovery.resources("", "v1", crds()).orElseThrow());
      }
      case "/apis", "/apis/" -> {
        return json(Discovery.groups(crds()));
      }
      default -> { }
    }
    if (path.startsWith("/openapi/v3")) {
      return OpenApi.answer(path, crds()).map(ApiServerFront::jsonResponse).or(() -> Optional.of(notFound(path)));
    }
    if (path.startsWith("/openapi/v2")) {
      return Optional.of(notFound(path)); // kubectl takes v3 when v2 is absent
    }
    Matcher gv = GROUP_VERSION.matcher(path);
    if (gv.matches()) {
      return Discovery.resources(gv.group(1), gv.group(2), crds()).map(ApiServerFront::jsonResponse).or(() -> Optional.of(notFound(path)));
    }
    return table(request, path);
  }

  /** `kubectl get` of a custom resource, as a Table with the CRD's printer columns. */
  private Optional<MockResponse> table(RecordedRequest request, String path) {
    Matcher m = CUSTOM_RESOURCE.matcher(path);
    if (!Tables.wanted(request.getHeader("Accept")) || !m.matches() || (m.group(4) != null && m.group(4).equals("status"))
        || path.contains("/watch/") || String.valueOf(request.getPath()).contains("watch=")) {
      return Optional.empty();
    }
    Optional<JsonNode> crd = crds().stream().filter(c -> c.path("spec").path("group").asText().equals(m.group(1))
        && c.path("spec").path("names").path("plural").asText().equals(m.group(3))).findFirst();
    if (crd.isEmpty()) {
      return Optional.empty();
    }
    MockResponse stored = store.apply(request.getPath());
    if (stored == null || stored.code() != 200) {
      return Optional.ofNullable(stored);
    }
    try {
      return json(Tables.of(JSON.readTree(body(stored)), crd.get(), m.group(2)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  List<JsonNode> crds() {
    MockResponse r = store.apply(CRDS);
    List<JsonNode> crds = new ArrayList<>();
    if (r != null && r.code() == 200) {
      try {
        JSON.readTree(body(r)).path("items").forEach(crds::add);
      } catch (IOException e) {
        return crds;
      }
    }
    return crds;
  }

  private static String body(MockResponse r) {
    return r.getBody() == null ? "" : new String(r.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Optional<MockResponse> json(String body) {
    return Optional.of(jsonResponse(body));
  }

  private static MockResponse jsonResponse(String body) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
  }

  private static MockResponse notFound(String path) {
    return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
            + "\"message\":\"the server could not find the requested resource " + path.replace("\"", "") + "\"}");
  }
}
