package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.rounds.TrainingStatuses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rounds as the reconciler drives them: pushed assignments, spec edits mid-run, nothing left behind. */
@EnableKubernetesMockClient(crud = true)
class RoundsMockTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  int port;
  final List<TestLearner> learners = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    CrdFixtures.install(client);
    port = FederationMockTest.freePort();
  }

  @AfterEach
  void tearDown() {
    learners.forEach(TestLearner::close);
    if (operator != null) {
      operator.close();
    }
  }

  void start(Duration heartbeat, Duration timeout) {
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, heartbeat, timeout));
  }

  TestLearner learner(String site, long heartbeatMs) {
    TestLearner l = new TestLearner(site, port, 0.25f, 100, heartbeatMs);
    learners.add(l);
    return l;
  }

  void model() {
    CrdFixtures.model(client, "m");
  }

  FederatedTraining training(String name, int rounds) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = rounds;
    s.participants.minSites = 2;
    s.roundDeadline.initialSeconds = 60;
    ft.setSpec(s);
    return ft;
  }

  FederatedTrainingStatus status(String name) {
    FederatedTraining ft = client.resources(FederatedTraining.class).inNamespace("default").withName(name).get();
    return ft == null ? null : ft.getStatus();
  }

  boolean succeeded(String name) {
    FederatedTrainingStatus st = status(name);
    return st != null && st.phase == FederatedTrainingStatus.Phase.Succeeded;
  }

  @Test
  void assignmentsArePushedSoRoundsNeverWaitForAHeartbeat() {
    // heartbeats every 60 s: after the first one, only a pushed assignment reaches a site in time
    start(Duration.ofSeconds(60), Duration.ofSeconds(120));
    model();
    TestLearner a = learner("site-a", 60_000);
    TestLearner b = learner("site-b", 60_000);
    client.resource(training("pushed", 4)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded("pushed"));
    assertThat(a.heartbeatsSent.get()).isEqualTo(1);
    assertThat(b.heartbeatsSent.get()).isEqualTo(1);
    assertThat(status("pushed").history).hasSize(4).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.seconds).isLessThan(10.0); // the round closed on its last update, not at its 60 s deadline
    });
  }

  @Test
  void anEditOfRoundsIsTakenAtTheNextBoundaryAndAnEditOfTheStrategyIsRefused() {
    start(Duration.ofMillis(200), Duration.ofSeconds(5));
    model();
    learner("site-a", 150);
    learner("site-b", 150);
    client.resource(training("edited", 2000)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> status("edited") != null && status("edited").round != null
        && status("edited").round >= 1);
    assertThat(status("edited").specGeneration).isEqualTo(1L);

    var resource = client.resources(FederatedTraining.class).inNamespace("default").withName("edited");
    mergePatch(resource, "{\"spec\":{\"strategy\":{\"type\":\"Median\"}}}"); // as kubectl patch --type merge
    await().atMost(Duration.ofSeconds(20)).until(() -> status("edited").condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED) != null
        && "False".equals(status("edited").condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED).getStatus()));
    var refused = status("edited").condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED);
    assertThat(refused.getReason()).isEqualTo("SpecChangeRefused");
    assertThat(refused.getMessage()).contains("spec.strategy").contains("FedAvg");
    assertThat(status("edited").phase).isEqualTo(FederatedTrainingStatus.Phase.Running);
    assertThat(status("edited").specGeneration).isEqualTo(1L);

    // revert the strategy and lower the rounds: both taken, the run ends at the next boundary
    mergePatch(resource, "{\"spec\":{\"strategy\":{\"type\":\"FedAvg\"},\"rounds\":1}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded("edited"));
    FederatedTrainingStatus st = status("edited");
    assertThat(st.specGeneration).isEqualTo(3L);
    assertThat(st.condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED).getStatus()).isEqualTo("True");
    assertThat(st.round).isGreaterThanOrEqualTo(1).isLessThan(2000);
  }

  static void mergePatch(io.fabric8.kubernetes.client.dsl.Resource<FederatedTraining> resource, String patch) {
    resource.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
  }

  @Test
  void anEndedTrainingLeavesNothingOnTheCoordinator() {
    start(Duration.ofMillis(200), Duration.ofSeconds(5));
    model();
    learner("site-a", 150);
    learner("site-b", 150);
    client.resource(training("short", 2)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded("short"));
    var federation = operator.context().federation();
    await().atMost(Duration.ofSeconds(5)).until(() -> !federation.inbox.trainings().contains("default/short"));
    assertThat(federation.assignments.forSite("default/site-a")).isEmpty();
    assertThat(federation.models.get("default/short")).isEmpty();
  }
}
