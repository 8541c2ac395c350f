package io.fedmesh.edge.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.models.export.ExportedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol (KServe v2 REST) over the models a site serves: health, model
 * metadata and readiness, and {@code infer}. HTTPS with TLS 1.3 and a client certificate from the
 * mesh CA required; plain HTTP only with {@code --insecure}, and loudly.
 */
public final class InferenceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A 4096-sample batch of 3 x 32 x 32 images as JSON text is well under this; a larger body is refused unread. */
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
  static final String PLATFORM = "fedmesh_djl_pytorch";

  private final HttpServer server;
  private final ExecutorService workers;
  private final ServedModels models;
  private final boolean tls;

  private InferenceServer(HttpServer server, ExecutorService workers, ServedModels models, boolean tls) {
    this.server = server;
    this.workers = workers;
    this.models = models;
    this.tls = tls;
  }

  /** Serves {@code models} on {@code port} (0: a free one); {@code tls} null is plain HTTP (--insecure). */
  public static InferenceServer start(String host, int port, TlsFiles tls, ServedModels models) {
    try {
      HttpServer server;
      if (tls == null) {
        LOG.warn("inference server: --insecure: the Open Inference Protocol runs over PLAIN HTTP with no client authentication; anyone"
            + " who reaches port {} can query the served models. Use only on a private test machine", port);
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
      } else {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 64);
        https.setHttpsConfigurator(new HttpsConfigurator(MutualTls.jdk(tls, false)) {
          @Override
          public void configure(HttpsParameters params) {
            javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
            p.setProtocols(new String[] {MutualTls.protocol()});
            p.setNeedClientAuth(true); // only holders of a mesh certificate may query
            params.setSSLParameters(p);
          }
        });
        server = https;
      }
      ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "inference");
        t.setDaemon(true);
        return t;
      });
      InferenceServer s = new InferenceServer(server, workers, models, tls != null);
      server.createContext("/v2", s::handle);
      server.setExecutor(workers);
      server.start();
      LOG.info("inference server: Open Inference Protocol on {}://{}:{}/v2", tls == null ? "http" : "https", host,
          server.getAddress().getPort());
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve inference on port " + port + ": " + e.getMessage()
          + " (pick another --serve-port)", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public boolean tls() {
    return tls;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String[] parts = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
      // parts: "", "v2", ...
      String method = ex.getRequestMethod();
      if (parts.length == 4 && parts[2].equals("health") && (parts[3].equals("ready") || parts[3].equals("live"))) {
        reply(ex, 200, JSON.createObjectNode().put(parts[3], true));
      } else if (parts.length == 2 && method.equals("GET")) {
        reply(ex, 200, JSON.createObjectNode().put("name", "fedmesh-edge-agent").put("version", "0.1.0")
            .set("extensions", JSON.createArrayNode()));
      } else if (parts.length >= 4 && parts[2].equals("models")) {
        model(ex, method, parts);
      } else {
        error(ex, 404, "no such endpoint " + ex.getRequestURI().getPath() + "; see /v2/models/{name}");
      }
    } catch (RuntimeException e) {
      LOG.warn("inference server: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
      error(ex, 500, "internal error: " + e.getMessage());
    }
  }

  private void model(HttpExchange ex, String method, String[] parts) throws IOException {
    String name = parts[3];
    ServedModels.Served served = models.get(name).orElse(null);
    String action = parts.length > 4 ? parts[4] : "";
    if (served == null) {
      error(ex, 404, "model '" + name + "' is not served here; served: " + models.all().keySet());
      return;
    }
    switch (action) {
      case "" -> {
        if (requireMethod(ex, method, "GET")) {
          reply(ex, 200, metadata(served));
        }
      }
      case "ready" -> {
        if (requireMethod(ex, method, "GET")) {
          reply(ex, 200, JSON.createObjectNode().put("name", name).put("ready", true));
        }
      }
      case "infer" -> {
        if (requireMethod(ex, method, "POST")) {
          infer(ex, served);
        }
      }
      default -> error(ex, 404, "no such endpoint " + ex.getRequestURI().getPath() + "; use /v2/models/" + name + "[/ready|/infer]");
    }
  }

  private static ObjectNode metadata(ServedModels.Served served) {
    ModelDescription d = served.model().manifest().description();
    ObjectNode m = JSON.createObjectNode().put("name", served.name()).put("platform", PLATFORM);
    m.putArray("versions").add(served.version());
    ArrayNode shape = JSON.createArrayNode().add(-1);
    for (int s : d.inputShape()) {
      shape.add(s);
    }
    m.putArray("inputs").addObject().put("name", "input").put("datatype", "FP32").set("shape", shape);
    ArrayNode outputs = m.putArray("outputs");
    if (d.task() == TaskKind.CLASSIFICATION) {
      outputs.addObject().put("name", "logits").put("datatype", "FP32").set("shape", JSON.createArrayNode().add(-1).add(d.outputs()));
      outputs.addObject().put("name", "probabilities").put("datatype", "FP32")
          .set("shape", JSON.createArrayNode().add(-1).add(d.outputs()));
      outputs.addObject().put("name", "class").put("datatype", "INT64").set("shape", JSON.createArrayNode().add(-1));
    } else {
      outputs.addObject().put("name", "value").put("datatype", "FP32").set("shape", JSON.createArrayNode().add(-1).add(1));
    }
    return m;
  }

  private void infer(HttpExchange ex, ServedModels.Served served) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(readBody(ex));
    } catch (InferenceRequest.Invalid e) {
      error(ex, 400, e.getMessage());
      return;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(ex, 400, "body: not JSON (" + e.getOriginalMessage() + ")");
      return;
    }
    ExportedModel model = served.model();
    InferenceRequest request;
    try {
      request = InferenceRequest.parse(body, model.manifest().description());
    } catch (InferenceRequest.Invalid e) {
      error(ex, 400, e.getMessage());
      return;
    }
    float[][] out;
    try {
      out = model.outputs(request.x(), request.n());
    } catch (IllegalStateException e) { // replaced while the request waited
      error(ex, 503, e.getMessage());
      return;
    }
    reply(ex, 200, InferenceResponse.of(served, request, out));
  }

  /** The body, refused before it is read whole when it is larger than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBody(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > MAX_BODY_BYTES) {
          throw new InferenceRequest.Invalid("body: " + declared + " bytes, more than the " + MAX_BODY_BYTES + " served; split the batch");
        }
      } catch (NumberFormatException e) {
        throw new InferenceRequest.Invalid("Content-Length: '" + declared + "' is not a number");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new InferenceRequest.Invalid("body: more than the " + MAX_BODY_BYTES + " bytes served; split the batch");
      }
      return body;
    }
  }

  private static boolean requireMethod(HttpExchange ex, String method, String allowed) throws IOException {
    if (method.equals(allowed)) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", allowed);
    error(ex, 405, method + " is not allowed here; use " + allowed);
    return false;
  }

  private static void error(HttpExchange ex, int code, String message) throws IOException {
    reply(ex, code, JSON.createObjectNode().put("error", message));
  }

  private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
