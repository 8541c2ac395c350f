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

  /** Large enough that nothing is refused: the figures of needed() only. */
  static final MemoryBudget AMPLE = new MemoryBudget(Long.MAX_VALUE / 4);

  @Test
  void aRoundThatKeepsItsUpdatesNeedsTwoCopiesPerUpdateAndFourOfTheModel() {
    assertThat(MODEL.parameterCount()).isEqualTo(1_011_010);
    assertThat(AMPLE.needed(MODEL.parameterCount(), 10, false)).isEqualTo(4L * 1_011_010 * 24);
  }

  @Test
  void aStreamingRoundNeedsItsUploadsInFlightAndTheRunningMeanBesideTheModelAndTheWindowCapsTheUploads() {
    long copy = 4L * 1_011_010;
    assertThat(AMPLE.needed(MODEL.parameterCount(), 10, true)).isEqualTo(copy * (2 * 10 + 4 + 2));
    // a budget whose window (a quarter) holds three uploads (buffer + decoded: two copies each): 3 in flight, not 40
    MemoryBudget tight = new MemoryBudget(4 * 3 * 2 * copy + 4);
    assertThat(tight.uploadsInFlight(MODEL.parameterCount(), 40)).isEqualTo(3);
    assertThat(tight.needed(MODEL.parameterCount(), 40, true)).isEqualTo(copy * (2 * 3 + 4 + 2))
        .isEqualTo(tight.needed(MODEL.parameterCount(), 1000, true));
    // a window smaller than one upload still lets one through, alone
    assertThat(new MemoryBudget(copy).uploadsInFlight(MODEL.parameterCount(), 40)).isEqualTo(1);
  }

  @Test
  void fedAvgFedProxAndFedAdamAreJudgedAsStreamingTheOthersAsKeeping() {
    long copy = 4L * 1_011_010;
    MemoryBudget budget = new MemoryBudget(4 * 3 * 2 * copy + 4); // 3 uploads in flight: 12 copies' need, 24 budget
    for (var type : new FederatedTrainingSpec.Strategy.Type[] {FederatedTrainingSpec.Strategy.Type.FedAvg,
        FederatedTrainingSpec.Strategy.Type.FedProx, FederatedTrainingSpec.Strategy.Type.FedAdam}) {
      assertThat(budget.check(spec(10, type), MODEL, 0)).as(type.name()).isEmpty();
      assertThat(budget.check(spec(500, type), MODEL, 0)).as(type.name() + ": more sites, the same need").isEmpty();
    }
    for (var type : new FederatedTrainingSpec.Strategy.Type[] {FederatedTrainingSpec.Strategy.Type.Median,
        FederatedTrainingSpec.Strategy.Type.TrimmedMean, FederatedTrainingSpec.Strategy.Type.Krum,
        FederatedTrainingSpec.Strategy.Type.BufferedAsync}) {
      assertThat(budget.check(spec(11, type), MODEL, 0).orElseThrow()).as(type.name()).contains("2 x 11 updates kept");
    }
    // a streaming round too large for its budget says what is in flight and that only the model or the budget helps
    MemoryBudget small = new MemoryBudget(7 * copy); // one upload in flight (the minimum): 8 copies needed
    assertThat(small.check(spec(10, FederatedTrainingSpec.Strategy.Type.FedAvg), MODEL, 0).orElseThrow())
        .contains("2 x 1 uploads in flight of 10 updates streaming in of spec.participants.maxSites 10")
        .contains("2 for the running mean").contains("use a smaller model");
  }

  @Test
  void aTrainingThatFitsPassesAndOneThatDoesNotSaysHowMuchAndWhatToChange() {
    long tenSites = AMPLE.needed(MODEL.parameterCount(), 10, false);
    MemoryBudget budget = new MemoryBudget(tenSites);
    assertThat(budget.check(spec(10), MODEL, 0)).isEmpty();
    String refusal = budget.check(spec(50), MODEL, 0).orElseThrow();
    assertThat(refusal).contains("needs about " + ((AMPLE.needed(MODEL.parameterCount(), 50, false) >> 20) + 1) + " MiB")
        .contains("spec.participants.maxSites 50").contains("set spec.participants.maxSites to at most 10")
        .contains("--memory-budget");
  }

  @Test
  void withoutMaxSitesEveryEdgeSiteOfTheNamespaceCounts() {
    MemoryBudget budget = new MemoryBudget(AMPLE.needed(MODEL.parameterCount(), 10, false));
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
