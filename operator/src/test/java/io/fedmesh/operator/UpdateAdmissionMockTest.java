package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A site that sends broken updates (a NaN, the wrong shape, a huge declared size or sample count,
 * a NaN loss) is refused with the field named, and the training goes on and succeeds with the
 * honest sites: one misbehaving site never fails a training nor poisons its model.
 */
class UpdateAdmissionMockTest extends MockOperatorTest {

  @org.junit.jupiter.api.Test
  void aSiteCannotRegisterInANamespaceTheOperatorDoesNotServe() throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
    var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      var stub = io.fedmesh.proto.federation.v1.CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.register(io.fedmesh.proto.federation.v1.RegisterRequest.newBuilder()
              .setSiteName("intruder").setNamespace("kube-system").build()))
          .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("namespace 'kube-system' is not served");
      assertThat(client.resources(io.fedmesh.api.v1alpha1.EdgeSite.class).inAnyNamespace().list().getItems()).isEmpty();
      // its own namespace, named or left out, is fine
      assertThat(stub.register(io.fedmesh.proto.federation.v1.RegisterRequest.newBuilder().setSiteName("site-a").setNamespace("default")
          .build()).getSessionId()).isNotEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(value = TestLearner.Tamper.class, names = {"NONE", "SCALED", "SPARSE_.*"}, mode = EnumSource.Mode.MATCH_NONE)
  void aBrokenUpdateIsRefusedNamingTheFieldAndTheTrainingSucceedsWithoutIt(TestLearner.Tamper tamper) throws Exception {
    int port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b", "site-x")) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
    TestLearner hostile = learners.get(2);
    hostile.tamper = tamper;
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(io.fedmesh.api.v1alpha1.EdgeSite.class).inNamespace("default")
        .list().getItems().stream().filter(e -> e.getStatus() != null
            && e.getStatus().phase == io.fedmesh.api.v1alpha1.EdgeSiteStatus.Phase.Ready).count() == 3);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("guarded").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 2;
    ft.getSpec().participants.minSites = 2;
    ft.getSpec().roundDeadline.initialSeconds = 3; // a refused site is not waited for: the deadline only bounds the test
    ft.getSpec().roundDeadline.adaptive = false;
    client.resource(ft).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> {
      var st = client.resources(FederatedTraining.class).inNamespace("default").withName("guarded").get().getStatus();
      return st != null && st.phase == FederatedTrainingStatus.Phase.Succeeded;
    });
    FederatedTrainingStatus st = client.resources(FederatedTraining.class).inNamespace("default").withName("guarded").get().getStatus();
    String field = switch (tamper) {
      case NAN_WEIGHT -> "weights must be finite";
      case WRONG_SHAPE -> "num_parameters";
      case HUGE_TOTAL -> "total_bytes";
      case HUGE_SAMPLES -> "samples";
      case NAN_LOSS -> "train_loss";
      case PER_TENSOR_COUNT -> "tensor_encodings has";
      case PER_TENSOR_TOPK -> "tensor_encodings[0]";
      default -> throw new AssertionError(tamper);
    };
    // the refusal is on the round's record, by site and reason, not a missed deadline
    assertThat(st.history).hasSize(2).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.missed).isEmpty();
      assertThat(h.refused).singleElement().satisfies(r -> {
        assertThat(r.site).isEqualTo("site-x");
        assertThat(r.reason).contains(field);
      });
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "UpdateRefused".equals(e.getReason()) && e.getMessage().contains("site site-x") && e.getMessage().contains(field)));
    // its first refusal names the field; later tries, after the round closed, are refused as unexpected, or (the
    // assignment withdrawn) the model is not served to it at all, in words that name nothing
    assertThat(hostile.refusals).isNotEmpty().allSatisfy(r -> assertThat(r).matches("INVALID_ARGUMENT: .*|PERMISSION_DENIED: this identity is not permitted to do that"));
    assertThat(hostile.refusals.get(0)).contains(field);
    float[] model = new CheckpointStore(checkpoints).load("default", "guarded", "guarded-r2").orElseThrow();
    for (float w : model) {
      assertThat(w).isFinite();
    }
  }
}
