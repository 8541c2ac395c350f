package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a FederatedTraining spec the way the CRD schema and its CEL rules would. The API server
 * enforces the schema in a real cluster; the operator checks again because not every server does
 * (the mock server of the local mesh does not) and so that a bad spec never starts a round.
 */
public final class TrainingValidator {
  private static final Pattern DNS1123 = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern LABEL_COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_.-]*$");

  public ValidationResult validate(FederatedTrainingSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return new ValidationResult(List.of("spec is missing: set spec.modelRef and spec.rounds"));
    }
    if (spec.modelRef == null || spec.modelRef.isBlank()) {
      p.add("spec.modelRef is required: name the DistributedModel to train");
    } else if (!DNS1123.matcher(spec.modelRef).matches()) {
      p.add("spec.modelRef '" + spec.modelRef + "' is not a valid resource name (lowercase letters, digits, '-')");
    }
    if (spec.rounds == null) {
      p.add("spec.rounds is required: how many federation rounds to run (1 to 10000)");
    }
    Bounds.between(p, "spec.rounds", spec.rounds, 1, 10000);
    Bounds.items(p, "spec.simulationDataFrom", spec.simulationDataFrom, 0, 16);
    participants(spec.participants, p);
    FederatedTrainingSpec.LocalTraining lt = spec.localTraining;
    if (lt != null) {
      Bounds.between(p, "spec.localTraining.epochs", lt.epochs, 1, 1000);
      Bounds.between(p, "spec.localTraining.batchSize", lt.batchSize, 1, 65536);
      Bounds.between(p, "spec.localTraining.learningRate", lt.learningRate, 0.000001, 10);
      if (lt.labelColumn != null && !LABEL_COLUMN.matcher(lt.labelColumn).matches()) {
        p.add("spec.localTraining.labelColumn '" + lt.labelColumn + "' is not a column name: a letter or '_' first, then letters,"
            + " digits, '_', '.' or '-'");
      }
    }
    if (spec.evaluation != null) {
      String ref = spec.evaluation.evaluatorRef;
      if (ref != null && !DNS1123.matcher(ref).matches()) {
        p.add("spec.evaluation.evaluatorRef '" + ref + "' is not an EdgeSite name (lowercase letters, digits and '-')");
      }
      Bounds.between(p, "spec.evaluation.timeoutSeconds", spec.evaluation.timeoutSeconds, 1, 86400);
    }
    if (spec.evaluation != null && spec.evaluation.holdoutFraction != null) {
      Bounds.between(p, "spec.evaluation.holdoutFraction", spec.evaluation.holdoutFraction, 0.001, 0.5);
      if (!Boolean.TRUE.equals(spec.evaluation.federated)) {
        p.add("spec.evaluation.holdoutFraction is for federated evaluation: set spec.evaluation.federated: true, or remove it");
      }
    }
    FederatedTrainingSpec.RoundDeadline rd = spec.roundDeadline;
    if (rd != null) {
      Bounds.between(p, "spec.roundDeadline.initialSeconds", rd.initialSeconds, 1, 86400);
      Bounds.atLeast(p, "spec.roundDeadline.minSeconds", rd.minSeconds, 1);
      Bounds.atLeast(p, "spec.roundDeadline.maxSeconds", rd.maxSeconds, 1);
      if (rd.minSeconds != null && rd.maxSeconds != null && rd.minSeconds > rd.maxSeconds) {
        p.add("spec.roundDeadline.minSeconds (" + rd.minSeconds + ") must not exceed maxSeconds (" + rd.maxSeconds + ")");
      }
      Bounds.between(p, "spec.roundDeadline.maxRetries", rd.maxRetries, 0, 100);
      Bounds.between(p, "spec.roundDeadline.targetSeconds", rd.targetSeconds, 0, 86400); // 0: automatic
    }
    FederatedTrainingSpec.Strategy st = spec.strategy;
    if (st != null) {
      Bounds.atLeast(p, "spec.strategy.proximalMu", st.proximalMu, 0);
      Bounds.between(p, "spec.strategy.trimFraction", st.trimFraction, 0, 0.49);
      if (st.type == FederatedTrainingSpec.Strategy.Type.TrimmedMean && st.trimFraction == null) {
        p.add("spec.strategy.trimFraction must be set (between 0 and 0.49) for TrimmedMean");
      }
      RobustStrategyChecks.check(st, spec.participants, p);
      RobustStrategyChecks.bufferedAsyncCombinations(spec, p);
    }
    if (spec.wan != null) {
      Bounds.atLeast(p, "spec.wan.byteBudgetPerRound", spec.wan.byteBudgetPerRound, 0);
      Bounds.between(p, "spec.wan.topkFraction", spec.wan.topkFraction, 0.0001, 0.5);
      boolean topk = spec.wan.compression == FederatedTrainingSpec.WanPolicy.Compression.TOPK;
      if (spec.wan.topkFraction != null && !topk) {
        p.add("spec.wan.topkFraction applies to compression topk only (auto picks its own fraction): set compression: topk, or"
            + " drop topkFraction");
      }
    }
    if (spec.target != null) {
      if (spec.target.metric == null || spec.target.value == null) {
        p.add("spec.target needs both metric and value");
      } else if (spec.target.metric == FederatedTrainingSpec.Target.Metric.ACCURACY) {
        Bounds.between(p, "spec.target.value", spec.target.value, 0, 1);
      } else {
        Bounds.finite(p, "spec.target.value", spec.target.value);
      }
    }
    if (spec.privacy != null) {
      Bounds.atLeast(p, "spec.privacy.clipNorm", spec.privacy.clipNorm, 0);
      Bounds.atLeast(p, "spec.privacy.noiseMultiplier", spec.privacy.noiseMultiplier, 0);
      p.addAll(PrivacyValidation.problems(spec.privacy));
    }
    if (spec.adaptiveSimulation != null) {
      var a = spec.adaptiveSimulation;
      if (a.clusterRef != null && !DNS1123.matcher(a.clusterRef).matches()) { // unset: the namespace's default HpcCluster
        p.add("spec.adaptiveSimulation.clusterRef '" + a.clusterRef + "' is not a valid resource name (lowercase letters, digits, '-')");
      }
      if (a.burstTemplate == null) {
        p.add("spec.adaptiveSimulation.burstTemplate is required: the SimulationBurst spec to create when the trigger fires");
      } else {
        var template = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
            .convertValue(a.burstTemplate, io.fedmesh.api.v1alpha1.SimulationBurstSpec.class);
        for (String problem : io.fedmesh.operator.hpc.SimulationBurstReconciler.validate(template)) {
          p.add(problem.startsWith("spec.") ? "spec.adaptiveSimulation.burstTemplate." + problem.substring("spec.".length())
              : "spec.adaptiveSimulation.burstTemplate: " + problem);
        }
      }
      Bounds.atLeast(p, "spec.adaptiveSimulation.patience", a.patience, 1);
      Bounds.atLeast(p, "spec.adaptiveSimulation.minDelta", a.minDelta, 0);
      Bounds.atLeast(p, "spec.adaptiveSimulation.minSamples", a.minSamples, 0);
      Bounds.between(p, "spec.adaptiveSimulation.maxBursts", a.maxBursts, 0, 100);
      AcquisitionCheck.check(a, p);
      if (a.trigger == io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation.Trigger.LOW_DATA && a.minSamples == null) {
        p.add("spec.adaptiveSimulation.trigger lowData needs minSamples: the cohort size below which a burst is requested");
      }
    }
    return new ValidationResult(p);
  }

  /** Quorum and cohort: minSites can never exceed the most sites a round selects (maxSites). */
  private static void participants(FederatedTrainingSpec.Participants part, List<String> p) {
    if (part == null) {
      return;
    }
    Bounds.atLeast(p, "spec.participants.minSites", part.minSites, 1);
    Bounds.atLeast(p, "spec.participants.maxSites", part.maxSites, 1);
    int min = part.minSites == null ? 1 : part.minSites;
    if (part.maxSites != null && part.maxSites < min) {
      p.add("spec.participants.minSites (" + min + ") must not exceed maxSites (" + part.maxSites + "): no round could reach"
          + " its quorum; lower minSites or raise maxSites");
    }
    Bounds.between(p, "spec.participants.fraction", part.fraction, 0.01, 1);
    Bounds.between(p, "spec.participants.quarantineAfter", part.quarantineAfter, 1, 1000);
    Bounds.between(p, "spec.participants.fairnessRounds", part.fairnessRounds, 0, 1000);
    Bounds.between(p, "spec.participants.quarantineRounds", part.quarantineRounds, 0, 10000); // 0: until the EdgeSite is re-admitted
  }
}
