package io.fedmesh.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The embedded API server's request handling: the fabric8 mock server's CRUD, plus what it leaves
 * out that fedmesh relies on. A PUT of a status subresource carrying a stale resourceVersion is
 * refused with 409, as a real API server does (the mock checks versions on the object itself but
 * not on /status), so status owners' optimistic locks hold in the local mesh too. Every request
 * is also handed to a listener with the time it took (the operator-scale benchmark counts them).
 * Creates, updates and patches of fedmesh resources pass {@link io.fedmesh.mesh.apiserver.AdmissionFilter}
 * first: the CRD's schema, defaults and CEL rules, as a real API server admits them.
 */
final class LockingCrudDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BiConsumer<RecordedRequest, Long> onRequest;
  private final io.fedmesh.mesh.apiserver.ApiServerFront front = new io.fedmesh.mesh.apiserver.ApiServerFront(this::handleGet);
  private final io.fedmesh.mesh.apiserver.AdmissionFilter admission =
      new io.fedmesh.mesh.apiserver.AdmissionFilter(this::handleGet, java.util.Set.of("fedmesh.io"));

  /** @param onRequest hears each request with the nanoseconds the server took to answer it */
  LockingCrudDispatcher(BiConsumer<RecordedRequest, Long> onRequest) {
    super(List.of());
    this.onRequest = onRequest;
  }

  io.fedmesh.mesh.apiserver.ApiServerFront front() {
    return front;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    long t0 = System.nanoTime();
    MockResponse response = front.answer(request).orElseGet(() -> super.dispatch(request));
    onRequest.accept(request, System.nanoTime() - t0);
    return response;
  }

  @Override
  public synchronized MockResponse handleCreate(RecordedRequest request) {
    return admission.create(request, super::handleCreate);
  }

  @Override
  public synchronized MockResponse handleUpdate(RecordedRequest request) {
    return admission.update(request, this::updateUnlessStale);
  }

  @Override
  public synchronized MockResponse handlePatch(RecordedRequest request) {
    return admission.patch(request, super::handlePatch);
  }

  private MockResponse updateUnlessStale(RecordedRequest request) {
    String path = request.getPath() == null ? "" : request.getPath().split("\\?")[0];
    if (path.endsWith("/status")) {
      String sent = version(request.getBody() == null ? null : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
      String stored = version(super.handleGet(path.substring(0, path.length() - "/status".length())));
      if (sent != null && stored != null && !sent.equals(stored)) {
        return new MockResponse().setResponseCode(409).setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
            + "\"reason\":\"Conflict\",\"code\":409,\"message\":\"Operation cannot be fulfilled: the object has been modified;"
            + " please apply your changes to the latest version and try again\"}");
      }
    }
    return super.handleUpdate(request);
  }

  private static String version(MockResponse stored) {
    return stored == null || stored.code() != 200 || stored.getBody() == null ? null : version(new String(stored.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String version(String json) {
    try {
      JsonNode rv = json == null || json.isBlank() ? null : JSON.readTree(json).path("metadata").path("resourceVersion");
      return rv == null || rv.isMissingNode() || rv.isNull() ? null : rv.asText();
    } catch (IOException e) {
      return null;
    }
  }
}
