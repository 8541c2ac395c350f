package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.edge.training.ComputeSlowdown;
import io.fedmesh.mesh.AgentProcess;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rounds planned to spec.roundDeadline.targetSeconds with the real operator and two real agents:
 * a fast site in this JVM and, in a process of its own (DJL trains one model at a time per
 * process), a site with ten times the data that computes 50 times slower. The first round knows no forecast, takes both
 * and waits the initial deadline; from then on the straggler's forecast keeps it out, the round
 * record and an Event say why, and the fairness bound brings it back once it has been left out
 * fairnessRounds rounds.
 */
class PlannedRoundsIT {
  @TempDir Path tmp;

  @Test
  void aStragglerIsLeftOutByItsForecastAndBroughtBackByTheFairnessBound() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")).withMetricsPort(0));
        EdgeAgent fast = agent(operator.coordinatorPort(), "site-fast", 200);
        AgentProcess slow = AgentProcess.launch("site-slow", operator.coordinatorPort(), data("site-slow", 2000),
            tmp.resolve("site-slow-work"), tmp.resolve("site-slow.log"),
            List.of("--insecure", "--compute-slowdown", String.valueOf(ComputeSlowdown.MAX_FACTOR)))) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 2);
      client.resource(TwoFeatureSites.model(16)).create();
      client.resource(training()).create();
      var ft = client.resources(FederatedTraining.class).inNamespace("default").withName("planned");
      await().atMost(Duration.ofSeconds(180)).until(() -> ft.get().getStatus() != null
          && ft.get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
      List<FederatedTrainingStatus.RoundRecord> history = ft.get().getStatus().history;
      assertThat(history).hasSize(4);
      assertThat(history.get(0).selection).as("round 1: nothing measured yet, both are tried")
          .containsOnlyKeys("site-fast", "site-slow").allSatisfy((site, why) -> assertThat(why).startsWith("chosen").endsWith("no forecast yet"));
      for (int round : List.of(2, 3)) {
        FederatedTrainingStatus.RoundRecord r = history.get(round - 1);
        assertThat(r.participants).as("round %d", round).containsExactly("site-fast");
        assertThat(r.selection.get("site-slow")).as("round %d", round).startsWith("left out: a straggler, forecast")
            .contains("over 2.0 x the target 1.0 s");
        assertThat(r.selection.get("site-fast")).startsWith("chosen: utility");
      }
      assertThat(history.get(0).encodings).as("compression auto, nothing measured yet: exact")
          .containsEntry("site-fast", "f32, 328 bytes: auto: no upload measured yet");
      assertThat(history.get(1).encodings.get("site-fast")).as("a 328-byte update fits any link")
          .startsWith("f32, 328 bytes: ").contains("at the measured", "within a quarter of the");
      assertThat(history.get(3).selection.get("site-slow")).as("round 4: left out rounds 2 and 3, fairnessRounds 2")
          .startsWith("chosen for fairness: not in the last 2 rounds");
      var events = client.v1().events().inNamespace("default").list().getItems();
      assertThat(events).anySatisfy(e -> assertThat(e.getReason() + " " + e.getMessage()).startsWith("RoundPlanned round 2 planned to 1 s")
          .contains("leaves out site-slow (a straggler"));
    }
  }

  private EdgeAgent agent(int port, String site, int rows) throws Exception {
    return new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", port), site, "", data(site, rows), "label", null, "eu-west-1", Map.of(),
        tmp.resolve(site + "-work"), null, 0, 1, 512, 0)).start();
  }

  private Path data(String site, int rows) throws java.io.IOException {
    return TwoFeatureSites.data(tmp.resolve(site), rows);
  }

  private static FederatedTraining training() {
    FederatedTraining ft = TwoFeatureSites.training("planned", 4);
    FederatedTrainingSpec s = ft.getSpec();
    s.participants.fairnessRounds = 2;
    s.roundDeadline.targetSeconds = 1;
    s.roundDeadline.initialSeconds = 60; // round 1 knows no forecast: it waits for the straggler, which gets measured
    s.wan = new FederatedTrainingSpec.WanPolicy();
    s.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.AUTO;
    return ft;
  }
}
