package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import org.junit.jupiter.api.Test;

/** spec.seed is pinned with modelRef and strategy: an edit is a spec change the run refuses; a run pinned before seeds existed keeps its uid seed. */
class PinnedSeedTest {
  static FederatedTraining training(Long seed, String uid) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").withUid(uid).build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 3;
    s.seed = seed;
    ft.setSpec(s);
    return ft;
  }

  @Test
  void aSeedEditChangesThePinnedSpecAndNoSeedLeavesItAsBefore() {
    String unseeded = TrainingRuns.pinnedSpec(training(null, "u").getSpec());
    assertThat(unseeded).doesNotContain("seed");
    assertThat(TrainingRuns.pinnedSpec(training(7L, "u").getSpec())).contains("\"seed\":7")
        .isNotEqualTo(TrainingRuns.pinnedSpec(training(8L, "u").getSpec()));
  }

  @Test
  void theRunsSeedIsThePinnedOneElseTheUids() {
    FederatedTraining edited = training(99L, "uid-1"); // the spec says 99 now; the run started with 7
    assertThat(TrainingRun.seedOf(TrainingRuns.pinnedSpec(training(7L, "uid-1").getSpec()), edited)).isEqualTo(7L);
    FederatedTraining legacy = training(null, "uid-1");
    assertThat(TrainingRun.seedOf(TrainingRuns.pinnedSpec(legacy.getSpec()), legacy)).isEqualTo("uid-1".hashCode());
  }
}
