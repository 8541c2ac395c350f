package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.operator.privacy.RdpAccountant;
import io.fedmesh.operator.rounds.TrainingStatuses;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A training with clipping, noise and an epsilon budget reports epsilon after every round and
 * stops, Succeeded with reason PrivacyBudgetExhausted, before the round that would exceed the budget.
 */
class PrivacyBudgetMockTest extends MockOperatorTest {
  static final double SIGMA = 1.0;
  /** 2 of 4 eligible sites per round. */
  static final double Q = 0.5;

  @BeforeEach
  void setUp() throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b", "site-c", "site-d")) {
      learners.add(new TestLearner(s, port, 0.25f, 100, 150));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(io.fedmesh.api.v1alpha1.EdgeSite.class).inNamespace("default")
        .list().getItems().stream().filter(e -> e.getStatus() != null
            && e.getStatus().phase == io.fedmesh.api.v1alpha1.EdgeSiteStatus.Phase.Ready).count() == 4);
  }

  static double epsilonAfter(int rounds) {
    int[] o = RdpAccountant.DEFAULT_ORDERS;
    return RdpAccountant.epsilon(o, RdpAccountant.rdp(Q, SIGMA, rounds, o), 1e-5).epsilon();
  }

  void create(String name, double budget) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 20;
    s.participants.minSites = 2;
    s.participants.fraction = Q;
    s.roundDeadline.initialSeconds = 30;
    s.privacy = new FederatedTrainingSpec.Privacy();
    s.privacy.clipNorm = 1.0;
    s.privacy.noiseMultiplier = SIGMA;
    s.privacy.epsilonBudget = budget;
    ft.setSpec(s);
    client.resource(ft).create();
  }

  FederatedTrainingStatus ended(String name) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      var ft = client.resources(FederatedTraining.class).inNamespace("default").withName(name).get();
      return ft.getStatus() != null && (ft.getStatus().phase == FederatedTrainingStatus.Phase.Succeeded
          || ft.getStatus().phase == FederatedTrainingStatus.Phase.Failed);
    });
    return client.resources(FederatedTraining.class).inNamespace("default").withName(name).get().getStatus();
  }

  @Test
  void theTrainingStopsBeforeTheRoundThatWouldExceedTheBudget() {
    double budget = (epsilonAfter(3) + epsilonAfter(4)) / 2;
    create("private", budget);
    FederatedTrainingStatus st = ended("private");
    assertThat(st.phase).isEqualTo(FederatedTrainingStatus.Phase.Succeeded);
    var ready = st.condition(FedmeshApi.CONDITION_READY);
    assertThat(ready.getReason()).isEqualTo(TrainingStatuses.PRIVACY_BUDGET_EXHAUSTED);
    assertThat(ready.getMessage()).contains("stopped after round 3 of 20").contains("spec.privacy.epsilonBudget");
    assertThat(st.round).isEqualTo(3);
    assertThat(st.history).hasSize(3).allSatisfy(h -> assertThat(h.participants).hasSize(2));
    // epsilon after each round, growing, as composed from the start
    for (RoundRecord h : st.history) {
      assertThat(h.epsilon).isGreaterThanOrEqualTo(epsilonAfter(h.round)).isLessThan(epsilonAfter(h.round) + 1e-4);
    }
    assertThat(st.privacy.epsilon).isEqualTo(st.history.get(2).epsilon).isLessThanOrEqualTo(budget);
    assertThat(st.privacy.delta).isEqualTo(1e-5);
    assertThat(st.privacy.epsilonBudget).isEqualTo(budget);
    assertThat(st.privacy.rounds).isEqualTo(3);
    assertThat(st.privacy.mechanisms).singleElement().satisfies(m -> {
      assertThat(m.samplingRate).isEqualTo(Q);
      assertThat(m.noiseMultiplier).isEqualTo(SIGMA);
      assertThat(m.rounds).isEqualTo(3);
    });
  }

  @Test
  void aBudgetBelowOneRoundFailsNamingTheFix() {
    create("tight", epsilonAfter(1) / 2);
    FederatedTrainingStatus st = ended("tight");
    assertThat(st.phase).isEqualTo(FederatedTrainingStatus.Phase.Failed);
    var ready = st.condition(FedmeshApi.CONDITION_READY);
    assertThat(ready.getReason()).isEqualTo(TrainingStatuses.PRIVACY_BUDGET_EXHAUSTED);
    assertThat(ready.getMessage()).contains("0 round(s) spent epsilon 0.0000").contains("Raise spec.privacy.epsilonBudget");
    assertThat(st.history).isEmpty();
  }
}
