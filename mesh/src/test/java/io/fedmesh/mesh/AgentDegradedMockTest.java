package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent with a broken CSV: the EdgeSite says Degraded with file, line and column, and recovers when fixed. */
class AgentDegradedMockTest {
  @TempDir Path tmp;

  @Test
  void badDataMakesTheSiteDegradedWithTheExactProblemAndAFixRecoversIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path csv = data.resolve("readings.csv");
    Files.writeString(csv, "x1,x2,label\n0.5,1.0,0\n0.7,oops,1\n");
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")));
        EdgeAgent agent = new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", operator.coordinatorPort()), "site-bad", "",
            data, "label", null, "eu-west-1", Map.of(), tmp.resolve("work"), null, -1, 1, 512, 0)).start()) {
      var sites = cluster.client().resources(EdgeSite.class).inNamespace("default");
      await().atMost(Duration.ofSeconds(30)).until(() -> sites.withName("site-bad").get() != null
          && sites.withName("site-bad").get().getStatus() != null
          && sites.withName("site-bad").get().getStatus().phase == EdgeSiteStatus.Phase.Degraded);
      EdgeSiteStatus st = sites.withName("site-bad").get().getStatus();
      assertThat(st.message).contains("readings.csv line 3, column 'x2': 'oops' is not a finite number");
      assertThat(st.condition("Ready").getReason()).isEqualTo("Degraded");

      Files.writeString(csv, "x1,x2,label\n0.5,1.0,0\n0.7,0.2,1\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> sites.withName("site-bad").get().getStatus().phase == EdgeSiteStatus.Phase.Ready);
      assertThat(sites.withName("site-bad").get().getStatus().datasets).singleElement()
          .satisfies(d -> assertThat(d.samples).isEqualTo(2));
    }
  }

  @Test
  void aTruncatedIdxFileDegradesTheSiteAndTheFixedOneIsReportedAsIdx() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("idx"));
    float[] y = {0, 1, 2, 1, 0};
    io.fedmesh.common.data.Dataset images = new io.fedmesh.common.data.Dataset(data, java.util.List.of(), 5, 16, new float[80], y,
        3, java.util.List.of(1, 4, 4), java.util.List.of());
    io.fedmesh.common.data.IdxWriter.Pair pair = io.fedmesh.common.data.IdxWriter.write(data, "site", images);
    byte[] whole = Files.readAllBytes(pair.images());
    Files.write(pair.images(), java.util.Arrays.copyOf(whole, whole.length / 2));
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")));
        EdgeAgent agent = new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", operator.coordinatorPort()), "site-idx", "",
            data, "label", null, "eu-west-1", Map.of(), tmp.resolve("work"), null, -1, 1, 512, 0)).start()) {
      var sites = cluster.client().resources(EdgeSite.class).inNamespace("default");
      await().atMost(Duration.ofSeconds(30)).until(() -> sites.withName("site-idx").get() != null
          && sites.withName("site-idx").get().getStatus() != null
          && sites.withName("site-idx").get().getStatus().phase == EdgeSiteStatus.Phase.Degraded);
      assertThat(sites.withName("site-idx").get().getStatus().message).contains(pair.images().toString());

      io.fedmesh.common.data.IdxWriter.write(data, "site", images);
      // a phase change is written at once, the site's facts (its data sets) when they are next due
      await().atMost(Duration.ofSeconds(30)).until(() -> sites.withName("site-idx").get().getStatus().phase == EdgeSiteStatus.Phase.Ready
          && sites.withName("site-idx").get().getStatus().datasets != null && !sites.withName("site-idx").get().getStatus().datasets.isEmpty());
      assertThat(sites.withName("site-idx").get().getStatus().datasets).singleElement().satisfies(d -> {
        assertThat(d.samples).isEqualTo(5);
        assertThat(d.features).isEqualTo(16);
        assertThat(d.format).isEqualTo("idx");
      });
    }
  }
}
