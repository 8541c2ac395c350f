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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code compression: topk} over the real coordinator: each site sends the k largest entries of its
 * delta, the coordinator adds them to the published model it trained from, and the aggregate moves
 * exactly those coordinates. A hostile sparse payload is refused naming what is wrong, and the
 * training goes on with the honest sites.
 */
class SparseUpdateMockTest extends MockOperatorTest {
  /** The fixture model (2-3-2 MLP) has 17 parameters; a top-k update carries at most half of them. */
  static final int PARAMETERS = 17;
  static final int K = 8;

  @BeforeEach
  void setUp() throws Exception {
    int port = startOperator(Duration.ofSeconds(5));
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b", "site-x")) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
  }

  private FederatedTrainingStatus train(String name, int rounds) {
    awaitReadySites(3);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = rounds;
    ft.getSpec().participants.minSites = 2;
    // a refused site is not waited for, so the deadline only bounds the test; under CI load a hostile upload took over 3 s
    ft.getSpec().roundDeadline.initialSeconds = 20;
    ft.getSpec().roundDeadline.adaptive = false;
    ft.getSpec().wan = new FederatedTrainingSpec.WanPolicy();
    ft.getSpec().wan.compression = FederatedTrainingSpec.WanPolicy.Compression.TOPK;
    ft.getSpec().wan.topkFraction = 0.5;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> status(name) != null && status(name).phase == FederatedTrainingStatus.Phase.Succeeded);
    return status(name);
  }

  @Test
  void theAggregateMovesExactlyTheCoordinatesTheSitesSentAndTheRecordSaysHowMuchWasSent() throws Exception {
    FederatedTrainingStatus st = train("sparse", 1);

    float[] before = learners.get(0).downloaded.get(1);
    float[] after = new CheckpointStore(checkpoints).load("default", "sparse", "sparse-r1").orElseThrow();
    // every learner moves each weight halfway to 0.25: all pick the same k coordinates, the farthest from it
    int moved = 0;
    for (int i = 0; i < PARAMETERS; i++) {
      if (after[i] != before[i]) {
        moved++;
        assertThat(after[i]).as("parameter " + i).isCloseTo(before[i] + 0.5f * (0.25f - before[i]), org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
    assertThat(moved).isEqualTo(K);
    assertThat(st.history).singleElement().satisfies(h -> {
      assertThat(h.participants).containsExactlyInAnyOrder("site-a", "site-b", "site-x");
      assertThat(h.encodings).hasSize(3).allSatisfy((site, why) ->
          assertThat(why).isEqualTo("topk 50% (8 of 17 values), 64 bytes: spec.wan.compression topk"));
    });
    assertThat(learners).allSatisfy(l -> assertThat(l.responses).isNotEmpty().allSatisfy(r -> assertThat(r.getAccepted()).isTrue()));
  }

  @ParameterizedTest
  @EnumSource(value = TestLearner.Tamper.class, names = "SPARSE_.*", mode = EnumSource.Mode.MATCH_ALL)
  void aBrokenSparseUpdateIsRefusedNamingWhatIsWrongAndTheTrainingSucceedsWithoutIt(TestLearner.Tamper tamper) throws Exception {
    TestLearner hostile = learners.get(2);
    hostile.tamper = tamper;
    FederatedTrainingStatus st = train("guarded", 2);

    String field = switch (tamper) {
      case SPARSE_UNSORTED -> "top-k index 1";
      case SPARSE_OUT_OF_RANGE -> "top-k index 7 is 17";
      case SPARSE_NAN -> "top-k value 0";
      case SPARSE_TOO_MANY -> "sparse_values 17 must be between 1 and 8";
      case SPARSE_NO_BASE -> "a top-k update must name its base_model_version";
      default -> throw new AssertionError(tamper);
    };
    assertThat(st.history).hasSize(2).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.refused).singleElement().satisfies(r -> {
        assertThat(r.site).isEqualTo("site-x");
        assertThat(r.reason).contains(field);
      });
    });
    assertThat(hostile.refusals.get(0)).startsWith("INVALID_ARGUMENT").contains(field);
    for (float w : new CheckpointStore(checkpoints).load("default", "guarded", "guarded-r2").orElseThrow()) {
      assertThat(w).isFinite();
    }
  }
}
