package io.fedmesh.edge.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.edge.TestCoordinatorAccess;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.ServeModel;
import io.fedmesh.proto.federation.v1.ServingState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent told to serve by a real gRPC coordinator on a loopback socket: it downloads the
 * version, answers the Open Inference Protocol on --serve-port with that version's predictions,
 * reports it ready, swaps in a newer version and stops serving a model no longer listed.
 */
class AgentServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void servesWhatTheCoordinatorSaysAndReportsIt() throws Exception {
    var spec = TestCoordinatorAccess.SPEC;
    float[] v1 = MlpParameters.initialize(spec, 21);
    float[] v2 = MlpParameters.initialize(spec, 22);
    var coordinator = TestCoordinatorAccess.start(v1);
    coordinator.versions().put("t-r2", v2);
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("d.csv"), "a,b,c,d,label\n1,2,3,4,0\n");
    AgentConfig config = new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), "site-s", "", data, "label", null, null,
        Map.of("fedmesh.io/tier", "factory"), tmp.resolve("work"), null, -1, 1, 512, 0).withServePort(0);
    try (EdgeAgent agent = new EdgeAgent(config).start()) {
      int port = agent.servePort();
      assertThat(port).isPositive();
      coordinator.serve(List.of(ServeModel.newBuilder().setModel("digits").setVersion("v1").setTraining("default/blobs").build()));
      await().atMost(Duration.ofSeconds(30)).until(() -> reported(coordinator.lastHeartbeat(), "v1"));

      float[] x = {0.5f, -1f, 2f, 0.1f, -0.3f, 0.7f, 1.1f, -2f};
      JsonNode answer = infer(port, "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":"
          + java.util.Arrays.toString(x) + "}]}");
      assertThat(answer.get("model_version").asText()).isEqualTo("v1");
      ModelDescription d = ModelDescription.of(spec);
      try (BuiltNetwork net = BuiltNetwork.build(d, 0, ai.djl.Device.cpu())) {
        net.load(v1);
        float[][] expected = ExportedModel.inMemory(ExportManifest.of(d, "v1", "accuracy", null, v1, List.of()), net).outputs(x, 2);
        JsonNode classes = answer.get("outputs").get(2).get("data");
        assertThat(classes.get(0).asInt()).isEqualTo(ExportedModel.argMax(expected[0]));
        assertThat(classes.get(1).asInt()).isEqualTo(ExportedModel.argMax(expected[1]));
        assertThat(answer.get("outputs").get(0).get("data").get(0).floatValue()).isEqualTo(expected[0][0]);
      }
      HeartbeatRequest hb = coordinator.lastHeartbeat();
      assertThat(hb.getServing(0).getPort()).isEqualTo(port);

      // a newer version replaces it; a model no longer listed is no longer served
      coordinator.serve(List.of(ServeModel.newBuilder().setModel("digits").setVersion("t-r2").setTraining("default/blobs").build()));
      await().atMost(Duration.ofSeconds(30)).until(() -> reported(coordinator.lastHeartbeat(), "t-r2"));
      assertThat(infer(port, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}")
          .get("model_version").asText()).isEqualTo("t-r2");
      coordinator.serve(List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.served().all().isEmpty());
      assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/digits"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    } finally {
      coordinator.close();
    }
  }

  @Test
  void anAgentWithoutAServePortSaysWhyItServesNothing() throws Exception {
    var coordinator = TestCoordinatorAccess.start(MlpParameters.initialize(TestCoordinatorAccess.SPEC, 1));
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("d.csv"), "a,b,c,d,label\n1,2,3,4,0\n");
    AgentConfig config = new AgentConfig(new HostPort("127.0.0.1", coordinator.port()), "site-n", "", data, "label", null, null,
        Map.of(), tmp.resolve("work"), null, -1, 1, 512, 0);
    try (EdgeAgent agent = new EdgeAgent(config).start()) {
      coordinator.serve(List.of(ServeModel.newBuilder().setModel("digits").setVersion("v1").setTraining("default/blobs").build()));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        HeartbeatRequest hb = coordinator.lastHeartbeat();
        return hb != null && hb.getServingCount() == 1 && hb.getServing(0).getMessage().contains("--serve-port");
      });
      assertThat(agent.servePort()).isEqualTo(-1);
      assertThat(coordinator.lastHeartbeat().getServing(0).getReady()).isFalse();
    } finally {
      coordinator.close();
    }
  }

  private static boolean reported(HeartbeatRequest hb, String version) {
    if (hb == null || hb.getServingCount() != 1) {
      return false;
    }
    ServingState s = hb.getServing(0);
    return s.getModel().equals("digits") && s.getVersion().equals(version) && s.getReady();
  }

  private static JsonNode infer(int port, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v2/models/digits/infer")).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
