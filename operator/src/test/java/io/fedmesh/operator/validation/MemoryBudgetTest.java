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
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 1;
    s.participants.maxSites = maxSites;
    return s;
  }

  @Test
  void aRoundNeedsTwoCopiesPerUpdateAndFourOfTheModel() {
    assertThat(MODEL.parameterCount()).isEqualTo(1_011_010);
    assertThat(MemoryBudget.needed(MODEL.parameterCount(), 10)).isEqualTo(4L * 1_011_010 * 24);
  }

  @Test
  void aTrainingThatFitsPassesAndOneThatDoesNotSaysHowMuchAndWhatToChange() {
    long tenSites = MemoryBudget.needed(MODEL.parameterCount(), 10);
    MemoryBudget budget = new MemoryBudget(tenSites);
    assertThat(budget.check(spec(10), MODEL, 0)).isEmpty();
    String refusal = budget.check(spec(50), MODEL, 0).orElseThrow();
    assertThat(refusal).contains("needs about " + ((MemoryBudget.needed(MODEL.parameterCount(), 50) >> 20) + 1) + " MiB")
        .contains("spec.participants.maxSites 50").contains("set spec.participants.maxSites to at most 10")
        .contains("--memory-budget");
  }

  @Test
  void withoutMaxSitesEveryEdgeSiteOfTheNamespaceCounts() {
    MemoryBudget budget = new MemoryBudget(MemoryBudget.needed(MODEL.parameterCount(), 10));
    assertThat(budget.check(spec(null), MODEL, 10)).isEmpty();
    assertThat(budget.check(spec(null), MODEL, 11).orElseThrow()).contains("11 EdgeSites (no spec.participants.maxSites)");
  }

  @Test
  void aModelTooLargeForEvenOneSiteAsksForASmallerModel() {
    MemoryBudget budget = new MemoryBudget(1 << 20);
    assertThat(budget.check(spec(1), MODEL, 1).orElseThrow()).contains("use a smaller model");
  }
}
