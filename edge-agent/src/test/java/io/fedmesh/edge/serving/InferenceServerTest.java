package io.fedmesh.edge.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol over a real socket: metadata, readiness, infer, the 400s, and mutual TLS. */
class InferenceServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final ServedModels models = new ServedModels();
  private InferenceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    models.close();
  }

  static ModelDescription mlp() {
    return ModelDescription.of(new MlpSpec(new int[] {6, 10, 3}, Activation.RELU, TaskKind.CLASSIFICATION));
  }

  static ExportedModel loaded(ModelDescription d, long seed, String version) {
    float[] w = InitialModel.of(d, seed).weights();
    BuiltNetwork net = BuiltNetwork.build(d, 0, Device.cpu());
    net.load(w);
    return ExportedModel.inMemory(ExportManifest.of(net.resolved(), version, "accuracy", 0.9, w, List.of()), net);
  }

  private static HttpResponse<String> send(HttpClient client, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetadataAndPredictionsThatMatchTheModel() throws Exception {
    ExportedModel model = loaded(mlp(), 3, "ft-r4");
    models.put(new ServedModels.Served("digits", "ns/ft", model));
    server = InferenceServer.start("127.0.0.1", 0, null, models);
    String base = "http://127.0.0.1:" + server.port() + "/v2";
    HttpClient client = HttpClient.newHttpClient();

    assertThat(send(client, base + "/health/ready", null).statusCode()).isEqualTo(200);
    JsonNode meta = JSON.readTree(send(client, base + "/models/digits", null).body());
    assertThat(meta.get("versions").get(0).asText()).isEqualTo("ft-r4");
    assertThat(meta.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,6]");
    assertThat(meta.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP32");
    assertThat(JSON.readTree(send(client, base + "/models/digits/ready", null).body()).get("ready").asBoolean()).isTrue();
    assertThat(send(client, base + "/models/other/ready", null).statusCode()).isEqualTo(404);

    Random r = new Random(1);
    float[] x = new float[4 * 6];
    StringBuilder nested = new StringBuilder("[");
    for (int i = 0; i < 4; i++) {
      nested.append(i == 0 ? "[" : ",[");
      for (int j = 0; j < 6; j++) {
        x[i * 6 + j] = (float) r.nextGaussian();
        nested.append(j == 0 ? "" : ",").append(x[i * 6 + j]);
      }
      nested.append(']');
    }
    nested.append(']');
    HttpResponse<String> answer = send(client, base + "/models/digits/infer",
        "{\"id\":\"q1\",\"inputs\":[{\"name\":\"input\",\"shape\":[4,6],\"datatype\":\"FP32\",\"data\":" + nested + "}]}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode out = JSON.readTree(answer.body());
    assertThat(out.get("id").asText()).isEqualTo("q1");
    assertThat(out.get("model_version").asText()).isEqualTo("ft-r4");
    float[][] expected = model.outputs(x, 4);
    JsonNode classes = out.get("outputs").get(2);
    assertThat(classes.get("name").asText()).isEqualTo("class");
    JsonNode logits = out.get("outputs").get(0);
    assertThat(logits.get("shape").toString()).isEqualTo("[4,3]");
    for (int i = 0; i < 4; i++) {
      assertThat(classes.get("data").get(i).asInt()).isEqualTo(ExportedModel.argMax(expected[i]));
      assertThat(logits.get("data").get(i * 3).floatValue()).isEqualTo(expected[i][0]);
    }
  }

  @Test
  void refusesBadRequestsNamingTheField() throws Exception {
    models.put(new ServedModels.Served("digits", "ns/ft", loaded(mlp(), 3, "v1")));
    server = InferenceServer.start("127.0.0.1", 0, null, models);
    String infer = "http://127.0.0.1:" + server.port() + "/v2/models/digits/infer";
    HttpClient client = HttpClient.newHttpClient();
    String six = "[1,2,3,4,5,6]";
    record Case(String body, String field) {}
    for (Case c : List.of(
        new Case("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,6],\"datatype\":\"INT8\",\"data\":" + six + "}]}", "inputs[0].datatype"),
        new Case("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,7],\"datatype\":\"FP32\",\"data\":" + six + "}]}", "inputs[0].shape"),
        new Case("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,6],\"datatype\":\"FP32\",\"data\":" + six + "}]}", "inputs[0].data"),
        new Case("{\"inputs\":[{\"name\":\"x\",\"shape\":[2000000000,6],\"datatype\":\"FP32\",\"data\":[]}]}", "inputs[0].shape[0]"),
        new Case("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,\"a\"]}]}", "inputs[0].data"),
        new Case("{\"inputs\":[]}", "inputs"),
        new Case("{\"inputs\":[{\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":" + six + "}]}", "inputs[0].name"),
        new Case("not json", "body"))) {
      HttpResponse<String> r = send(client, infer, c.body());
      assertThat(r.statusCode()).as(c.body()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("error").asText()).as(c.body()).startsWith(c.field());
    }
    assertThat(send(client, infer, null).statusCode()).isEqualTo(405);
    // a body declared larger than the cap is refused from its headers; the answer races the client still
    // sending, which may see the connection reset instead: either way the server is unharmed after it
    try {
      HttpResponse<String> huge = client.send(HttpRequest.newBuilder(URI.create(infer))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[InferenceServer.MAX_BODY_BYTES + 10])).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(huge.statusCode()).isEqualTo(400);
      assertThat(huge.body()).contains("body:");
    } catch (java.io.IOException reset) {
      assertThat(send(HttpClient.newHttpClient(), infer, "not json").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void overTlsOnlyAMeshCertificateGetsAnAnswer() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    Instant now = Instant.now().minusSeconds(60);
    ca.issue(PeerIdentity.site("ns", "site-0"), List.of("localhost", "127.0.0.1"), now, Duration.ofDays(1), dir.resolve("site"));
    ca.issue(PeerIdentity.operator("ns"), List.of(), now, Duration.ofDays(1), dir.resolve("client"));
    models.put(new ServedModels.Served("digits", "ns/ft", loaded(mlp(), 3, "v1")));
    server = InferenceServer.start("127.0.0.1", 0, TlsFiles.fromDirectory(dir.resolve("site")), models);
    String url = "https://127.0.0.1:" + server.port() + "/v2/models/digits";
    HttpClient withCert = HttpClient.newBuilder().sslContext(MutualTls.jdk(TlsFiles.fromDirectory(dir.resolve("client")), true)).build();
    assertThat(send(withCert, url, null).statusCode()).isEqualTo(200);

    CertificateAuthority other = CertificateAuthority.create(dir.resolve("other-ca"), "other CA", Duration.ofDays(1));
    other.issue(PeerIdentity.operator("ns"), List.of(), now, Duration.ofDays(1), dir.resolve("stranger"));
    // it trusts the site's CA, so only the server's demand for a mesh client certificate can refuse it
    Path s = dir.resolve("stranger");
    javax.net.ssl.SSLContext strangerContext = MutualTls.jdk(new TlsFiles(s.resolve("tls.crt"), s.resolve("tls.key"),
        dir.resolve("site").resolve("ca.crt")), true);
    HttpClient stranger = HttpClient.newBuilder().sslContext(strangerContext).build();
    assertThatThrownBy(() -> send(stranger, url, null)).isInstanceOf(java.io.IOException.class);
  }
}
