package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.proto.federation.v1.TrainAssignment;

/**
 * Turns a training's spec into the assignment a site receives. Every field is explicit, from the
 * spec or {@link TrainingDefaults}: agents have no defaults of their own.
 */
final class AssignmentFactory {
  private AssignmentFactory() {}

  /** @param strategy the strategy the run keeps (its pinned one), not an edit it refused */
  static LocalTraining localTraining(FederatedTrainingSpec s, FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.LocalTraining lt = s.localTraining == null ? new FederatedTrainingSpec.LocalTraining() : s.localTraining;
    LocalTraining.Builder local = LocalTraining.newBuilder()
        .setEpochs(lt.epochs == null ? TrainingDefaults.EPOCHS : lt.epochs)
        .setBatchSize(lt.batchSize == null ? TrainingDefaults.BATCH_SIZE : lt.batchSize)
        .setLearningRate(learningRate(s))
        .setOptimizer(lt.optimizerName());
    if (strategy != null && strategy.type == FederatedTrainingSpec.Strategy.Type.FedProx) {
      local.setProximalMu(strategy.proximalMu == null ? TrainingDefaults.PROXIMAL_MU : strategy.proximalMu);
    }
    if (s.evaluation != null && Boolean.TRUE.equals(s.evaluation.federated)) {
      local.setHoldoutFraction(s.evaluation.holdoutFraction == null ? TrainingDefaults.HOLDOUT_FRACTION : s.evaluation.holdoutFraction);
    }
    if (s.privacy != null) {
      local.setClipNorm(s.privacy.clipNorm == null ? 0 : s.privacy.clipNorm);
      local.setNoiseMultiplier(s.privacy.noiseMultiplier == null ? 0 : s.privacy.noiseMultiplier);
    }
    return local.build();
  }

  static double learningRate(FederatedTrainingSpec s) {
    return (s.localTraining == null ? new FederatedTrainingSpec.LocalTraining() : s.localTraining).effectiveLearningRate();
  }

  static String labelColumn(FederatedTrainingSpec s) {
    return s.localTraining == null || s.localTraining.labelColumn == null ? TrainingDefaults.LABEL_COLUMN : s.localTraining.labelColumn;
  }

  /** An evaluation-only assignment: evaluate {@code version} (made by {@code round}) before {@code deadline}, train nothing. */
  static TrainAssignment evaluation(String training, FederatedTrainingSpec s, ModelDescription model, int round, String version,
      LocalTraining local, java.time.Instant deadline) {
    return TrainAssignment.newBuilder().setTraining(training).setRound(round).setModelVersion(version).setModel(model.toProto())
        .setLocal(local).setDeadlineUnixMs(deadline.toEpochMilli()).setLabelColumn(labelColumn(s)).setEvaluateOnly(true).build();
  }

  static TrainAssignment assignment(String training, FederatedTrainingSpec s, ModelDescription model, RoundPlan plan,
      io.fedmesh.operator.placement.EncodingChoice.Choice encoding, LocalTraining local, String simulationDataVersion) {
    TrainAssignment.Builder a = TrainAssignment.newBuilder()
        .setTraining(training)
        .setRound(plan.round())
        .setModelVersion(plan.baseVersion())
        .setModel(model.toProto())
        .setLocal(local)
        .setDeadlineUnixMs(plan.deadline().toEpochMilli())
        .setEncoding(encoding.encoding().toProto())
        .setTopkFraction(encoding.topkFraction())
        .setLabelColumn(labelColumn(s));
    if (simulationDataVersion != null) {
      a.setSimulationDataVersion(simulationDataVersion);
    }
    return a.build();
  }

  /**
   * Each site's encoding for a round (EncodingChoice), from its measured upload rate: the latest
   * forecast's, else its link's.
   */
  static java.util.Map<String, io.fedmesh.operator.placement.EncodingChoice.Choice> encodings(FederatedTrainingSpec s,
      ModelDescription model, java.util.Set<String> sites, java.util.function.ToDoubleFunction<String> uploadMbps, double deadlineSeconds) {
    java.util.Map<String, io.fedmesh.operator.placement.EncodingChoice.Choice> out = new java.util.TreeMap<>();
    for (String site : sites) {
      out.put(site, io.fedmesh.operator.placement.EncodingChoice.choose(s.wan, model.parameterCount(), uploadMbps.applyAsDouble(site),
          deadlineSeconds));
    }
    return out;
  }

}
