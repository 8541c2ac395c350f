package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  /** 1000 inputs, 1000 hidden, 10 classes: 1000*1000+1000 + 1000*10+10 = 1,011,010 parameters, 4,044,040 bytes a copy. */
  static final ModelDescription MODEL = ModelDescription.of(new MlpSpec(new int[] {1000, 1000, 10}, Activation.RELU, TaskKind.CLASSIFICATION));

  static FederatedTrainingSpec spec(Integer maxSites) {
    return spec(maxSites, FederatedTrainingSpec.Strategy.Type.Median);
  }

  static FederatedTrainingSpec spec(Integer maxSites, FederatedTrainingSpec.Strategy.Type type) {
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 1;
    s.participants.maxSites = maxSites;
    s.strategy = new FederatedTrainingSpec.Strategy();
    s.strategy.type = type;
    return s;
  }

  @Test
  void aRoundThatKeepsItsUpdatesNeedsTwoCopiesPerUpdateAndFourOfTheModel() {
    assertThat(MODEL.parameterCount()).isEqualTo(1_011_010);
    assertThat(MemoryBudget.needed(MODEL.parameterCount(), 10, false)).isEqualTo(4L * 1_011_010 * 24);
  }

  @Test
  void aStreamingRoundNeedsOneUploadBufferPerUpdateAndTheRunningMeanBesideTheModel() {
    assertThat(MemoryBudget.needed(MODEL.parameterCount(), 10, true)).isEqualTo(4L * 1_011_010 * (10 + 4 + 2));
    // what grows with the cohort is only the uploads in flight: the round itself keeps one mean
    assertThat(MemoryBudget.needed(MODEL.parameterCount(), 11, true) - MemoryBudget.needed(MODEL.parameterCount(), 10, true))
        .isEqualTo(4L * 1_011_010);
  }

  @Test
  void fedAvgFedProxAndFedAdamAreJudgedAsStreamingTheOthersAsKeeping() {
    long streamingTen = MemoryBudget.needed(MODEL.parameterCount(), 10, true);
    MemoryBudget budget = new MemoryBudget(streamingTen);
    for (var type : new FederatedTrainingSpec.Strategy.Type[] {FederatedTrainingSpec.Strategy.Type.FedAvg,
        FederatedTrainingSpec.Strategy.Type.FedProx, FederatedTrainingSpec.Strategy.Type.FedAdam}) {
      assertThat(budget.check(spec(10, type), MODEL, 0)).as(type.name()).isEmpty();
      assertThat(budget.check(spec(11, type), MODEL, 0).orElseThrow()).as(type.name()).contains("11 updates streaming in")
          .contains("2 for the running mean");
    }
    for (var type : new FederatedTrainingSpec.Strategy.Type[] {FederatedTrainingSpec.Strategy.Type.Median,
        FederatedTrainingSpec.Strategy.Type.TrimmedMean, FederatedTrainingSpec.Strategy.Type.Krum,
        FederatedTrainingSpec.Strategy.Type.BufferedAsync}) {
      assertThat(budget.check(spec(10, type), MODEL, 0).orElseThrow()).as(type.name()).contains("2 x 10 updates kept");
    }
  }

  @Test
  void aTrainingThatFitsPassesAndOneThatDoesNotSaysHowMuchAndWhatToChange() {
    long tenSites = MemoryBudget.needed(MODEL.parameterCount(), 10, false);
    MemoryBudget budget = new MemoryBudget(tenSites);
    assertThat(budget.check(spec(10), MODEL, 0)).isEmpty();
    String refusal = budget.check(spec(50), MODEL, 0).orElseThrow();
    assertThat(refusal).contains("needs about " + ((MemoryBudget.needed(MODEL.parameterCount(), 50, false) >> 20) + 1) + " MiB")
        .contains("spec.participants.maxSites 50").contains("set spec.participants.maxSites to at most 10")
        .contains("--memory-budget");
  }

  @Test
  void withoutMaxSitesEveryEdgeSiteOfTheNamespaceCounts() {
    MemoryBudget budget = new MemoryBudget(MemoryBudget.needed(MODEL.parameterCount(), 10, false));
    assertThat(budget.check(spec(null), MODEL, 10)).isEmpty();
    assertThat(budget.check(spec(null), MODEL, 11).orElseThrow()).contains("11 EdgeSites (no spec.participants.maxSites)");
  }

  @Test
  void aModelTooLargeForEvenOneSiteAsksForASmallerModel() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    assertThat(budget.check(spec(1), MODEL, 1).orElseThrow()).contains("use a smaller model");
    assertThat(budget.check(spec(1, FederatedTrainingSpec.Strategy.Type.FedAvg), MODEL, 1).orElseThrow()).contains("use a smaller model");
  }
}
