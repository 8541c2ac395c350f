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
    if (spec.rounds == null || spec.rounds < 1 || spec.rounds > 10000) {
      p.add("spec.rounds must be between 1 and 10000 (got " + spec.rounds + ")");
    }
    FederatedTrainingSpec.Participants part = spec.participants;
    if (part != null) {
      int min = part.minSites == null ? 1 : part.minSites;
      if (min < 1) {
        p.add("spec.participants.minSites must be at least 1 (got " + min + ")");
      }
      if (part.maxSites != null && part.maxSites < min) {
        p.add("spec.participants.minSites (" + min + ") must not exceed maxSites (" + part.maxSites + ")");
      }
      if (part.fraction != null && (part.fraction <= 0 || part.fraction > 1)) {
        p.add("spec.participants.fraction must be in (0, 1] (got " + part.fraction + ")");
      }
      if (part.quarantineAfter != null && part.quarantineAfter < 1) {
        p.add("spec.participants.quarantineAfter must be at least 1 (got " + part.quarantineAfter + ")");
      }
      if (part.quarantineRounds != null && part.quarantineRounds < 0) {
        p.add("spec.participants.quarantineRounds must be >= 0, 0 meaning until the EdgeSite is re-admitted (got "
            + part.quarantineRounds + ")");
      }
    }
    FederatedTrainingSpec.LocalTraining lt = spec.localTraining;
    if (lt != null) {
      if (lt.epochs != null && (lt.epochs < 1 || lt.epochs > 1000)) {
        p.add("spec.localTraining.epochs must be between 1 and 1000 (got " + lt.epochs + ")");
      }
      if (lt.batchSize != null && (lt.batchSize < 1 || lt.batchSize > 65536)) {
        p.add("spec.localTraining.batchSize must be between 1 and 65536 (got " + lt.batchSize + ")");
      }
      if (lt.learningRate != null && !(lt.learningRate > 0 && lt.learningRate <= 10)) {
        p.add("spec.localTraining.learningRate must be > 0 and <= 10 (got " + lt.learningRate + ")");
      }
    }
    FederatedTrainingSpec.RoundDeadline rd = spec.roundDeadline;
    if (rd != null) {
      if (rd.initialSeconds != null && (rd.initialSeconds < 1 || rd.initialSeconds > 86400)) {
        p.add("spec.roundDeadline.initialSeconds must be between 1 and 86400 (got " + rd.initialSeconds + ")");
      }
      if (rd.minSeconds != null && rd.maxSeconds != null && rd.minSeconds > rd.maxSeconds) {
        p.add("spec.roundDeadline.minSeconds (" + rd.minSeconds + ") must not exceed maxSeconds (" + rd.maxSeconds + ")");
      }
      if (rd.maxRetries != null && (rd.maxRetries < 0 || rd.maxRetries > 100)) {
        p.add("spec.roundDeadline.maxRetries must be between 0 and 100 (got " + rd.maxRetries + ")");
      }
    }
    FederatedTrainingSpec.Strategy st = spec.strategy;
    if (st != null && st.type != null) {
      if (st.type == FederatedTrainingSpec.Strategy.Type.TrimmedMean && (st.trimFraction == null || st.trimFraction < 0 || st.trimFraction >= 0.5)) {
        p.add("spec.strategy.trimFraction must be set in [0, 0.5) for TrimmedMean");
      }
      if (st.type == FederatedTrainingSpec.Strategy.Type.FedProx && st.proximalMu != null && st.proximalMu < 0) {
        p.add("spec.strategy.proximalMu must be >= 0");
      }
      RobustStrategyChecks.check(st, part, p);
    }
    if (spec.target != null) {
      if (spec.target.metric == null || spec.target.value == null) {
        p.add("spec.target needs both metric and value");
      } else if (spec.target.metric == FederatedTrainingSpec.Target.Metric.ACCURACY && (spec.target.value < 0 || spec.target.value > 1)) {
        p.add("spec.target.value must be between 0 and 1 for accuracy (got " + spec.target.value + ")");
      }
    }
    if (spec.privacy != null) {
      if (spec.privacy.clipNorm != null && spec.privacy.clipNorm < 0) {
        p.add("spec.privacy.clipNorm must be >= 0");
      }
      if (spec.privacy.noiseMultiplier != null && spec.privacy.noiseMultiplier < 0) {
        p.add("spec.privacy.noiseMultiplier must be >= 0");
      }
    }
    if (spec.adaptiveSimulation != null) {
      var a = spec.adaptiveSimulation;
      if (a.clusterRef == null || a.clusterRef.isBlank()) {
        p.add("spec.adaptiveSimulation.clusterRef is required: name the HpcCluster to burst to");
      }
      if (a.burstTemplate == null) {
        p.add("spec.adaptiveSimulation.burstTemplate is required: the SimulationBurst spec to create when the trigger fires");
      } else {
        var template = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
            .convertValue(a.burstTemplate, io.fedmesh.api.v1alpha1.SimulationBurstSpec.class);
        template.clusterRef = a.clusterRef == null || a.clusterRef.isBlank() ? "placeholder" : a.clusterRef;
        for (String problem : io.fedmesh.operator.hpc.SimulationBurstReconciler.validate(template)) {
          p.add("spec.adaptiveSimulation.burstTemplate: " + problem.replaceFirst("^spec\\.", ""));
        }
      }
      if (a.trigger == io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation.Trigger.LOW_DATA && a.minSamples == null) {
        p.add("spec.adaptiveSimulation.trigger lowData needs minSamples: the cohort size below which a burst is requested");
      }
    }
    return new ValidationResult(p);
  }
}
