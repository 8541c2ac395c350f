package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.RoundForecast;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.edge.training.ComputeSlowdown;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netcrusher.core.reactor.NioReactor;

/**
 * The real operator on the embedded API server and a real agent (DJL training, slowed 2 times)
 * behind an emulated 60 ms, 20 Mbit/s link: once rounds ran, the EdgeSite status carries what the
 * site measured, the forecast of its next round and the error of the forecast before.
 */
class SiteForecastMockTest {
  @TempDir Path tmp;

  @Test
  void edgeSiteStatusCarriesTheMeasurementsTheForecastAndItsError() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")).withMetricsPort(0));
        NioReactor reactor = new NioReactor();
        WanLink link = WanLink.open(reactor, freePort(), operator.coordinatorPort(), new WanLink.Profile(60, 20));
        EdgeAgent agent = agent(link.port(), "site-f")) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 1);
      client.resource(model()).create();
      client.resource(training()).create();
      var ft = client.resources(FederatedTraining.class).inNamespace("default").withName("fc");
      await().atMost(Duration.ofSeconds(120)).until(() -> ft.get().getStatus() != null
          && ft.get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
      var site = client.resources(EdgeSite.class).inNamespace("default").withName("site-f");
      // written by the status owner at most every refresh: wait for the last round's forecast
      await().atMost(Duration.ofSeconds(30)).until(() -> site.get().getStatus().roundForecast != null
          && site.get().getStatus().roundForecast.fromRound == 3);
      RoundForecast f = site.get().getStatus().roundForecast;
      assertThat(f.training).isEqualTo("default/fc");
      assertThat(f.samplesPerSecond).as("measured compute rate").isPositive();
      assertThat(f.rttMs).as("heartbeat RTT over the 60 ms link").isGreaterThanOrEqualTo(55);
      assertThat(f.downloadMbps).as("download throughput under the 20 Mbit/s cap").isPositive().isLessThan(25);
      assertThat(f.uploadMbps).isPositive();
      assertThat(f.encoding).isEqualTo("f32");
      assertThat(f.computeSeconds).isPositive();
      assertThat(f.downloadSeconds).as("at least one RTT").isGreaterThanOrEqualTo(0.055);
      assertThat(f.uploadSeconds).isGreaterThanOrEqualTo(0.055);
      assertThat(f.nextRoundSeconds).isCloseTo(f.computeSeconds + f.downloadSeconds + f.uploadSeconds,
          org.assertj.core.api.Assertions.within(0.002));
      assertThat(f.lastObservedSeconds).isPositive();
      assertThat(f.lastForecastSeconds).as("round 2's forecast, judged against round 3").isPositive();
      assertThat(f.lastErrorSeconds).isCloseTo(f.lastObservedSeconds - f.lastForecastSeconds,
          org.assertj.core.api.Assertions.within(0.002));
    }
  }

  @Test
  void aStragglerCutOffByTheDeadlineStillGetsAForecastFromItsLateUpdate() throws Exception {
    // one agent per JVM trains at a time (DJL's PyTorch engine), so the straggler is alone: its round closes empty
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")).withMetricsPort(0));
        EdgeAgent slow = agent(operator.coordinatorPort(), "site-slow", 3000, 30)) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 1);
      client.resource(model()).create();
      FederatedTraining ft = training();
      ft.getSpec().rounds = 1;
      ft.getSpec().roundDeadline.initialSeconds = 1;
      ft.getSpec().roundDeadline.adaptive = false;
      ft.getSpec().roundDeadline.maxRetries = 0; // no second assignment: the agent is idle once its late update is sent
      client.resource(ft).create();
      var site = client.resources(EdgeSite.class).inNamespace("default").withName("site-slow");
      // its update comes after the round closed: refused, but its training happened and is measured
      await().atMost(Duration.ofSeconds(120)).until(() -> site.get().getStatus().roundForecast != null);
      RoundForecast f = site.get().getStatus().roundForecast;
      assertThat(f.samplesPerSecond).isPositive();
      assertThat(f.lastObservedSeconds).as("longer than the 1 s deadline it missed").isGreaterThan(1);
      assertThat(f.nextRoundSeconds).as("the forecast says it would miss again").isGreaterThan(1);
    }
  }

  private EdgeAgent agent(int port, String site) throws Exception {
    return agent(port, site, 400, 2);
  }

  private EdgeAgent agent(int port, String site, int rows, int slowdown) throws Exception {
    return new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", port), site, "", TwoFeatureSites.data(tmp.resolve(site), rows),
        "label", null, "eu-west-1", Map.of(), tmp.resolve(site + "-work"), null, 0, 1, 512, 0), new ComputeSlowdown(slowdown)).start();
  }

  private static DistributedModel model() {
    return TwoFeatureSites.model(256); // ~4 KB of weights: transfers take measurable time on the link
  }

  private static FederatedTraining training() {
    FederatedTraining ft = TwoFeatureSites.training("fc", 3);
    ft.getSpec().roundDeadline.initialSeconds = 60;
    return ft;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
