package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.operator.aggregation.Strategies;
import java.util.List;

/** The checks of Krum, FedAdam and the norm bound, apart so the validator stays one page of plain field checks. */
final class RobustStrategyChecks {
  private RobustStrategyChecks() {}

  static void check(FederatedTrainingSpec.Strategy st, FederatedTrainingSpec.Participants part, List<String> p) {
    if (st.maxUpdateNorm != null && !(st.maxUpdateNorm >= 0)) {
      p.add("spec.strategy.maxUpdateNorm must be >= 0, 0 or absent for the automatic bound (got " + st.maxUpdateNorm + ")");
    }
    if (st.type == FederatedTrainingSpec.Strategy.Type.Krum) {
      krum(st, part, p);
    }
    if (st.type == FederatedTrainingSpec.Strategy.Type.FedAdam && st.fedAdam != null) {
      var a = st.fedAdam;
      if (a.serverLearningRate != null && !(a.serverLearningRate > 0 && a.serverLearningRate <= 10)) {
        p.add("spec.strategy.fedAdam.serverLearningRate must be > 0 and <= 10 (got " + a.serverLearningRate + ")");
      }
      if (a.beta1 != null && !(a.beta1 >= 0 && a.beta1 < 1)) {
        p.add("spec.strategy.fedAdam.beta1 must be in [0, 1) (got " + a.beta1 + ")");
      }
      if (a.beta2 != null && !(a.beta2 >= 0 && a.beta2 < 1)) {
        p.add("spec.strategy.fedAdam.beta2 must be in [0, 1) (got " + a.beta2 + ")");
      }
      if (a.tau != null && !(a.tau > 0)) {
        p.add("spec.strategy.fedAdam.tau must be > 0 (got " + a.tau + ")");
      }
    }
  }

  /** Krum tolerates f Byzantine updates only among n > 2f+2: the quorum must guarantee that n. */
  private static void krum(FederatedTrainingSpec.Strategy st, FederatedTrainingSpec.Participants part, List<String> p) {
    int f = Strategies.krumByzantine(st);
    int m = Strategies.krumSelect(st);
    if (f < 0) {
      p.add("spec.strategy.krum.byzantine must be >= 0 (got " + f + ")");
      return;
    }
    if (m < 1) {
      p.add("spec.strategy.krum.select must be >= 1, 1 for Krum, more for Multi-Krum (got " + m + ")");
      return;
    }
    int minSites = part == null || part.minSites == null ? TrainingDefaults.MIN_SITES : part.minSites;
    int needed = 2 * f + 3;
    if (minSites < needed) {
      p.add("spec.strategy.type Krum with krum.byzantine " + f + " needs more than 2f+2 = " + (2 * f + 2)
          + " updates per round: set spec.participants.minSites to at least " + needed + " (now " + minSites
          + "), or lower spec.strategy.krum.byzantine");
    }
    if (part != null && part.maxSites != null && part.maxSites < needed) {
      p.add("spec.participants.maxSites " + part.maxSites + " leaves Krum with krum.byzantine " + f + " fewer than the " + needed
          + " updates it needs: raise maxSites or lower spec.strategy.krum.byzantine");
    }
    if (m > minSites - f && minSites >= needed) {
      p.add("spec.strategy.krum.select " + m + " must not exceed minSites - byzantine = " + (minSites - f)
          + ": Multi-Krum averages only updates it can tell from the f Byzantine ones");
    }
  }
}
