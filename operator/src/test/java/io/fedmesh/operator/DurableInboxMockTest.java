package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates the coordinator acknowledged survive the operator: a new operator over the same
 * checkpoint volume and API server resumes the open round with them, without asking their sites
 * again, treats a resend as a duplicate, and records the round truthfully.
 */
@EnableKubernetesMockClient(crud = true)
class DurableInboxMockTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  Map<String, TestLearner> learners;

  @BeforeEach
  void setUp() throws Exception {
    CrdFixtures.install(client);
  }

  @AfterEach
  void tearDown() {
    if (learners != null) {
      learners.values().forEach(TestLearner::close);
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void acknowledgedUpdatesSurviveARestartOfTheOperator() throws Exception {
    int port = FederationMockTest.freePort();
    OperatorConfig config = CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(10));
    operator = FedmeshOperator.start(client, config);
    CrdFixtures.model(client, "m");
    learners = Map.of("site-a", new TestLearner("site-a", port, 0.25f, 100), "site-b", new TestLearner("site-b", port, 0.25f, 100),
        "site-c", new TestLearner("site-c", port, 0.25f, 100));
    TestLearner c = learners.get("site-c");
    c.withhold = true; // the round stays open: site-c has not delivered when the operator goes
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
        .stream().filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == 3);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("durable").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 1;
    ft.getSpec().participants.minSites = 3;
    ft.getSpec().roundDeadline.initialSeconds = 120; // far beyond the test: the round closes only when all three delivered
    ft.getSpec().roundDeadline.adaptive = false;
    client.resource(ft).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> accepted(learners.get("site-a")) && accepted(learners.get("site-b")));
    Path round1 = checkpoints.resolve("default/durable/inbox/round-1");
    assertThat(round1.resolve("site-a.update")).exists();
    assertThat(round1.resolve("site-b.update")).exists();
    // asked again after the restart, site-a and site-b would not deliver: only the persisted updates can count
    learners.get("site-a").withhold = true;
    learners.get("site-b").withhold = true;
    String sessionBefore = learners.get("site-a").session;
    operator.close(); // nothing of the old process is reused; only the checkpoint volume and the API server stay
    operator = FedmeshOperator.start(client, config);

    var inbox = operator.context().federation().inbox;
    await().atMost(Duration.ofSeconds(30)).until(() -> inbox.receivedSites("default/durable", 1).containsAll(List.of("site-a", "site-b")));
    // the resend goes under the session site-a holds with the new operator, as an agent's outbox does
    await().atMost(Duration.ofSeconds(30)).until(() -> !learners.get("site-a").session.equals(sessionBefore));
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      UploadUpdateResponse resend = TestLearner.upload(channel, UpdateHeader.newBuilder().setIdempotencyKey("default/durable/1/site-a")
          .setTraining("default/durable").setRound(1).setSiteName("site-a").setSessionId(learners.get("site-a").session).build(), new byte[0]);
      assertThat(resend.getDuplicate()).as("a resend after the restart is a duplicate").isTrue();
    } finally {
      channel.shutdownNow();
    }
    c.withhold = false; // site-c delivers to the new operator, which now has all three

    await().atMost(Duration.ofSeconds(60)).until(() -> {
      FederatedTrainingStatus st = get().getStatus();
      return st != null && st.phase == FederatedTrainingStatus.Phase.Succeeded;
    });
    FederatedTrainingStatus st = get().getStatus();
    assertThat(st.history).hasSize(1);
    assertThat(st.history.get(0).participants).containsExactly("site-a", "site-b", "site-c");
    assertThat(st.history.get(0).missed).isEmpty();
    assertThat(learners.get("site-a").assignmentsSeen.get()).as("site-a was not asked again for round 1").isEqualTo(1);
    assertThat(learners.get("site-b").assignmentsSeen.get()).isEqualTo(1);
    // the round is in its checkpoint and the training ended: its durable inbox is gone
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(checkpoints.resolve("default/durable/inbox")));
    assertThat(checkpoints.resolve("default/durable/durable-r1.bin")).exists();
  }

  @Test
  void aSiteSelectedBeforeTheRestartThatNeverDeliversIsRecordedAsMissed() throws Exception {
    int port = FederationMockTest.freePort();
    OperatorConfig config = CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(10));
    operator = FedmeshOperator.start(client, config);
    CrdFixtures.model(client, "m");
    learners = Map.of("site-a", new TestLearner("site-a", port, 0.25f, 100), "site-b", new TestLearner("site-b", port, 0.25f, 100),
        "site-c", new TestLearner("site-c", port, 0.25f, 100));
    learners.get("site-c").withhold = true;
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
        .stream().filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == 3);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("durable").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 1;
    ft.getSpec().participants.minSites = 2;
    ft.getSpec().roundDeadline.initialSeconds = 120; // the round waits for site-c, which is still heartbeating
    ft.getSpec().roundDeadline.adaptive = false;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> accepted(learners.get("site-a")) && accepted(learners.get("site-b"))
        && get().getStatus() != null && get().getStatus().currentParticipants.contains("site-c"));
    learners.get("site-c").close(); // site-c is gone with the old operator: after the restart it is no candidate
    operator.close();
    operator = FedmeshOperator.start(client, config);

    await().atMost(Duration.ofSeconds(60)).until(() -> get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    var round = get().getStatus().history.get(0);
    assertThat(round.participants).containsExactly("site-a", "site-b");
    assertThat(round.missed).as("site-c was selected before the restart and never delivered").containsExactly("site-c");
  }

  private static boolean accepted(TestLearner l) {
    return l.responses.stream().anyMatch(r -> r.getAccepted() && !r.getDuplicate());
  }

  private FederatedTraining get() {
    return client.resources(FederatedTraining.class).inNamespace("default").withName("durable").get();
  }
}
