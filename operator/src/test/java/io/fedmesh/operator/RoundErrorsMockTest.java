package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What goes wrong in the round loop shows on the FederatedTraining: a training that does not fit
 * the memory budget does not start, and a round step that throws (here a checkpoint that cannot be
 * written) becomes a condition, after which the run is rebuilt and resumes with its updates.
 */
class RoundErrorsMockTest extends MockOperatorTest {

  @Test
  void aTrainingBeyondTheMemoryBudgetIsRefusedWithWhatItNeeds() throws Exception {
    int port = FederationMockTest.freePort();
    // the 2-3-2 model has 17 parameters (68 bytes a copy): FedAvg needs its model copies and running mean (6 copies)
    // and one upload in flight, its buffer and decoded weights (2 copies; the window of 125 bytes holds no more):
    // 68 x (2 + 6) = 544, over 500 whatever maxSites says
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5))
        .withMemoryBudget(500));
    CrdFixtures.model(client, "m");
    FederatedTraining ft = training("big");
    ft.getSpec().participants.minSites = 1;
    ft.getSpec().participants.maxSites = 3;
    client.resource(ft).create();
    Condition ready = awaitReady("big", "MemoryBudgetExceeded");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("needs about 544 bytes").contains("17 parameters").contains("budget is 500 bytes")
        .contains("2 x 1 uploads in flight of 3 updates streaming in").contains("use a smaller model");
  }

  @Test
  void anErrorInARoundStepBecomesAConditionAndTheRebuiltRunResumes() throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b")) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
        .stream().filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == 2);
    // a directory where round 1's checkpoint goes: writing the checkpoint fails inside the round step
    Path blocker = Files.createDirectories(checkpoints.resolve("default/faulty/faulty-r1.bin/blocked"));
    client.resource(training("faulty")).create();

    Condition ready = awaitReady("faulty", "RoundError");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("the round step failed").contains("cannot write").contains("faulty-r1.bin");
    assertThat(checkpoints.resolve("default/faulty/inbox/round-1")).as("the acknowledged updates are kept").isDirectoryContaining(
        p -> p.getFileName().toString().endsWith(".update"));

    Files.delete(blocker);
    Files.delete(blocker.getParent());
    // an edit wakes the training at once (it would retry by itself after the error delay)
    client.resources(FederatedTraining.class).inNamespace("default").withName("faulty").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"localTraining\":{\"epochs\":2}}}");
    await().atMost(Duration.ofSeconds(60)).until(() -> status("faulty") != null && status("faulty").phase == FederatedTrainingStatus.Phase.Succeeded);
    assertThat(status("faulty").history).hasSize(1);
    assertThat(status("faulty").history.get(0).participants).containsExactly("site-a", "site-b");
    assertThat(status("faulty").history.get(0).missed).isEmpty();
  }

  /**
   * The restart flake's cause: a reconcile saw the run (so it looked up no model), then the stopping
   * operator ended every run, and the reconcile built the run again without its model and failed
   * the training for good. A run ended under a reconcile now writes nothing.
   */
  @Test
  void aRunEndedUnderAReconcileInFlightIsNotFailed() throws Exception {
    startOperator(Duration.ofSeconds(5));
    CrdFixtures.model(client, "m");
    client.resource(training("stopping")).create(); // no sites: the run waits for its quorum
    var rounds = operator.context().rounds();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      FederatedTraining seen = client.resources(FederatedTraining.class).inNamespace("default").withName("stopping").get();
      return seen.getStatus() != null && rounds.isRunning(seen);
    });
    FederatedTraining seen = client.resources(FederatedTraining.class).inNamespace("default").withName("stopping").get();

    rounds.endAll(); // what FedmeshOperator.close does, between the reconcile's isRunning and its advance
    var step = rounds.advance(seen, null);

    assertThat(step.status()).as("nothing written").isNull();
    assertThat(step.ended()).isFalse();
    assertThat(step.requeue()).as("a closed operator does not come back to it").isNull();
    assertThat(status("stopping").phase).isNotEqualTo(FederatedTrainingStatus.Phase.Failed);
  }

  private FederatedTraining training(String name) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 1;
    ft.getSpec().participants.minSites = 2;
    ft.getSpec().roundDeadline.initialSeconds = 60;
    ft.getSpec().roundDeadline.adaptive = false;
    return ft;
  }

  private Condition awaitReady(String name, String reason) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      FederatedTrainingStatus st = status(name);
      return st != null && st.condition(FedmeshApi.CONDITION_READY) != null && reason.equals(st.condition(FedmeshApi.CONDITION_READY).getReason());
    });
    return status(name).condition(FedmeshApi.CONDITION_READY);
  }
}
