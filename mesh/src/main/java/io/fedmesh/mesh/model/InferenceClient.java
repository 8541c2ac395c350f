package io.fedmesh.mesh.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.MutualTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client of one site's Open Inference Protocol endpoint (KServe v2 REST), with the mesh's client certificate. */
public final class InferenceClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An answer is a few kilobytes; a far larger one is not one. */
  private static final int MAX_ANSWER_CHARS = 16 * 1024 * 1024;

  private final HttpClient http;
  private final String base;

  /** What one sample got back: the predicted class (or -1 for regression), the value (regression) and the version that answered. */
  public record Answer(int predictedClass, float value, String version) {}

  /** {@code tls} null: plain HTTP (an agent run with --insecure). */
  public InferenceClient(String host, int port, TlsFiles tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (tls != null) {
      b.sslContext(MutualTls.jdk(tls, true));
    }
    this.http = b.build();
    this.base = (tls == null ? "http://" : "https://") + host + ":" + port + "/v2/models/";
  }

  /** Sends one sample ({@code x}, shaped {@code [1, ...shape]}) to {@code model}. */
  /** How often a 503 (a version swapped in mid-request) is sent again before it counts as a failure. */
  static final int UNAVAILABLE_RETRIES = 3;

  public Answer infer(String model, int[] shape, float[] x) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = body.putArray("inputs").addObject().put("name", "input").put("datatype", "FP32");
    ArrayNode dims = input.putArray("shape").add(1);
    for (int d : shape) {
      dims.add(d);
    }
    ArrayNode data = input.putArray("data");
    for (float v : x) {
      data.add(v);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + model + "/infer")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    // 503: the site swapped in a newer version while this request held the old one; it asks to send again
    for (int retry = 0; retry < UNAVAILABLE_RETRIES && r.statusCode() == 503; retry++) {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    if (r.statusCode() != 200) {
      throw new IOException("POST " + base + model + "/infer answered " + r.statusCode() + ": " + r.body());
    }
    if (r.body().length() > MAX_ANSWER_CHARS) {
      throw new IOException("the answer of " + base + model + "/infer is larger than " + MAX_ANSWER_CHARS + " characters");
    }
    JsonNode answer = JSON.readTree(r.body());
    String version = answer.path("model_version").asText();
    for (JsonNode out : answer.path("outputs")) {
      String name = out.path("name").asText();
      if (name.equals("class")) {
        return new Answer(out.path("data").path(0).asInt(), Float.NaN, version);
      }
      if (name.equals("value")) {
        return new Answer(-1, out.path("data").path(0).floatValue(), version);
      }
    }
    throw new IOException("the answer of " + base + model + "/infer has neither a 'class' nor a 'value' output: " + r.body());
  }
}
