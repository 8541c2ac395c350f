package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A site whose well-formed update is boosted 50x (it passes admission) is refused by the automatic
 * norm bound before aggregation, named with the reason in an Event and the round's record, and,
 * refused in consecutive rounds, quarantined: the next round does not select it and its EdgeSite
 * says why. The training Succeeds on the honest sites with a model the boosted update never touched.
 */
class RobustAggregationMockTest extends MockOperatorTest {

  FederatedTrainingStatus status() {
    return client.resources(FederatedTraining.class).inNamespace("default").withName("robust").get().getStatus();
  }

  @Test
  void aScaledUpdateIsRefusedOnRecordAndItsSiteQuarantinedWhileTheTrainingSucceeds() throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b", "site-c", "site-x")) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
    learners.get(3).tamper = TestLearner.Tamper.SCALED;
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems().stream()
        .filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == 4);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("robust").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 3;
    ft.getSpec().participants.minSites = 3;
    ft.getSpec().participants.quarantineAfter = 2;
    ft.getSpec().participants.quarantineRounds = 0; // until re-admitted: it stays out for the rest of this run
    ft.getSpec().roundDeadline.initialSeconds = 20;
    ft.getSpec().roundDeadline.adaptive = false;
    client.resource(ft).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> status() != null && status().phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status();
    assertThat(st.history).hasSize(3).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b", "site-c");
      assertThat(h.missed).isEmpty();
    });
    for (var h : st.history.subList(0, 2)) {
      assertThat(h.refused).singleElement().satisfies(r -> {
        assertThat(r.site).isEqualTo("site-x");
        assertThat(r.reason).contains("update norm").contains("the automatic bound, 3 x the round's median");
      });
    }
    // quarantined after its second refusal: round 3 did not even select it
    assertThat(st.history.get(2).refused).isNull();
    assertThat(st.currentParticipants).doesNotContain("site-x");
    assertThat(st.quarantined).singleElement().satisfies(q -> {
      assertThat(q.site).isEqualTo("site-x");
      assertThat(q.untilRound).isNull();
      assertThat(q.edgeSiteGeneration).isNotNull();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      EdgeSite x = client.resources(EdgeSite.class).inNamespace("default").withName("site-x").get();
      return x.getStatus().quarantinedBy != null && x.getStatus().quarantinedBy.stream()
          .anyMatch(q -> q.training.equals("default/robust") && q.reason.contains("2 consecutive rounds") && q.untilRound == null);
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      var events = client.v1().events().inNamespace("default").list().getItems();
      return events.stream().filter(e -> "UpdateRefused".equals(e.getReason()) && e.getMessage().contains("site site-x")
          && e.getMessage().contains("update norm")).count() == 2
          && events.stream().anyMatch(e -> "SiteQuarantined".equals(e.getReason()) && e.getMessage().contains("site-x"))
          && events.stream().anyMatch(e -> "Quarantined".equals(e.getReason()) && "site-x".equals(e.getInvolvedObject().getName()));
    });
    // deleting the training lets the site go: its EdgeSite no longer names it
    client.resources(FederatedTraining.class).inNamespace("default").withName("robust").delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").withName("site-x").get()
        .getStatus().quarantinedBy == null);
    // the honest sites move every weight halfway to 0.25 each round, so three rounds of honest updates
    // alone leave w3 - 0.25 = (w0 - 0.25) / 8; the boosted update (50x) would overshoot far
    float[] model = new CheckpointStore(checkpoints).load("default", "robust", "robust-r3").orElseThrow();
    float[] w0 = learners.get(0).downloaded.get(1);
    for (int i = 0; i < model.length; i++) {
      assertThat((double) model[i] - 0.25).isCloseTo((w0[i] - 0.25) / 8.0, org.assertj.core.api.Assertions.within(1e-4));
    }
  }
}
