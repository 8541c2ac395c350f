package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.operator.aggregation.Strategies;
import java.util.List;

/** The checks of Krum, FedAdam, BufferedAsync and the norm bound, apart so the validator stays one page of plain field checks. */
final class RobustStrategyChecks {
  private RobustStrategyChecks() {}

  static void check(FederatedTrainingSpec.Strategy st, FederatedTrainingSpec.Participants part, List<String> p) {
    // the schema's bounds hold whatever the type (the schema checks them so): a FedAdam block under FedAvg is still checked
    if (st.maxUpdateNorm != null && !(st.maxUpdateNorm >= 0 && Double.isFinite(st.maxUpdateNorm))) {
      p.add("spec.strategy.maxUpdateNorm must be a finite number >= 0, 0 or absent for the automatic bound (got " + st.maxUpdateNorm + ")");
    }
    if (st.krum != null) {
      Bounds.atLeast(p, "spec.strategy.krum.byzantine", st.krum.byzantine, 0);
      Bounds.atLeast(p, "spec.strategy.krum.select", st.krum.select, 1);
    }
    if (st.type == FederatedTrainingSpec.Strategy.Type.Krum && (st.krum == null
        || ((st.krum.byzantine == null || st.krum.byzantine >= 0) && (st.krum.select == null || st.krum.select >= 1)))) {
      krum(st, part, p);
    }
    if (st.fedAdam != null) {
      var a = st.fedAdam;
      Bounds.between(p, "spec.strategy.fedAdam.serverLearningRate", a.serverLearningRate, 0.000001, 10);
      Bounds.between(p, "spec.strategy.fedAdam.beta1", a.beta1, 0, 0.999999);
      Bounds.between(p, "spec.strategy.fedAdam.beta2", a.beta2, 0, 0.999999);
      Bounds.atLeast(p, "spec.strategy.fedAdam.tau", a.tau, 0.000000001);
    }
    bufferedAsync(st, p);
  }

  /**
   * What BufferedAsync does not do yet, refused rather than ignored: the privacy accountant and the
   * simulation feed count rounds with a cohort, which a buffered run does not have.
   */
  static void bufferedAsyncCombinations(FederatedTrainingSpec spec, List<String> p) {
    if (spec.strategy == null || spec.strategy.type != FederatedTrainingSpec.Strategy.Type.BufferedAsync) {
      return;
    }
    if (spec.privacy != null && spec.privacy.epsilonBudget != null) {
      p.add("spec.privacy.epsilonBudget is not supported with spec.strategy.type BufferedAsync (its accountant counts rounds of a"
          + " sampled cohort): remove epsilonBudget or use a synchronous strategy");
    }
    if (spec.adaptiveSimulation != null || (spec.simulationDataFrom != null && !spec.simulationDataFrom.isEmpty())) {
      p.add("spec.adaptiveSimulation and spec.simulationDataFrom are not supported with spec.strategy.type BufferedAsync yet (the"
          + " simulation learner joins round by round): remove them or use a synchronous strategy");
    }
  }

  /** The schema's bounds and CEL rule, for an API server (or the mock) that does not check them. */
  private static void bufferedAsync(FederatedTrainingSpec.Strategy st, List<String> p) {
    if (st.bufferedAsync == null) {
      return;
    }
    Bounds.between(p, "spec.strategy.bufferedAsync.bufferSize", st.bufferedAsync.bufferSize, 1, 1000);
    Bounds.between(p, "spec.strategy.bufferedAsync.maxStaleness", st.bufferedAsync.maxStaleness, 0, 100);
    if (st.type != FederatedTrainingSpec.Strategy.Type.BufferedAsync) {
      p.add("spec.strategy.bufferedAsync applies only to spec.strategy.type BufferedAsync (type is " + st.type
          + "): set type BufferedAsync or remove bufferedAsync");
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
