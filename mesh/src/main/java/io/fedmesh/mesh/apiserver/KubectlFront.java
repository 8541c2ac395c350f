package io.fedmesh.mesh.apiserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The address kubectl is given (OUT/kubeconfig): an HTTP front on loopback that streams watches
 * itself ({@link WatchStreams}, which the mock serves only over WebSocket) and passes every other
 * request through to the embedded API server unchanged. The operator and tests talk to the mock
 * directly; only kubectl needs this.
 */
public final class KubectlFront implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "keep-alive", "expect");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kubectl-front");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI backend;
  private final WatchStreams watches;

  private KubectlFront(HttpServer server, URI backend, WatchStreams watches) {
    this.server = server;
    this.backend = backend;
    this.watches = watches;
  }

  /** A front for the API server at {@code backendUrl}, whose store {@code client} watches. */
  public static KubectlFront start(String backendUrl, KubernetesClient client, ApiServerFront front) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    KubectlFront f = new KubectlFront(server, URI.create(backendUrl.endsWith("/") ? backendUrl : backendUrl + "/"),
        new WatchStreams(client, front::crds));
    server.setExecutor(f.threads);
    server.createContext("/", f::handle);
    server.start();
    return f;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      var watch = "GET".equals(ex.getRequestMethod()) ? watches.parse(path, query(ex.getRequestURI().getRawQuery())) : java.util.Optional.<WatchStreams.Request>empty();
      if (watch.isPresent()) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0); // chunked: events as they come
        try {
          watches.stream(watch.get(), Tables.wanted(accept), ex.getResponseBody());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      pass(ex);
    }
  }

  /** Sends the request on to the API server and its answer back, headers and all. */
  private void pass(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    String target = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
    HttpRequest.Builder req = HttpRequest.newBuilder(backend.resolve(target.startsWith("/") ? target.substring(1) : target))
        .timeout(Duration.ofSeconds(60))
        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase())) {
        values.forEach(v -> req.header(name, v));
      }
    });
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(503, -1);
      return;
    }
    resp.headers().map().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
        ex.getResponseHeaders().put(name, values);
      }
    });
    byte[] out = resp.body();
    ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      q.put(k, eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
