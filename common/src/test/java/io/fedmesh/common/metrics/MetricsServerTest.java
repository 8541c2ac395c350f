package io.fedmesh.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  @Test
  void servesPrometheusTextAndHealth() throws Exception {
    try (MetricsServer m = MetricsServer.start("127.0.0.1", 0)) {
      Counter.builder("fedmesh_rounds_total").register(m.registry()).increment(3);
      HttpClient http = HttpClient.newHttpClient();
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("fedmesh_rounds_total 3.0").contains("jvm_memory_used_bytes");
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aNegativePortKeepsTheRegistryWithoutAnEndpoint() {
    try (MetricsServer m = MetricsServer.start("127.0.0.1", -1)) {
      assertThat(m.port()).isEqualTo(-1);
      assertThat(m.registry()).isNotNull();
    }
  }
}
