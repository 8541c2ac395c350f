package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.codec.UpdateEncoding;
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

  static TrainAssignment assignment(String training, FederatedTrainingSpec s, ModelDescription model, RoundPlan plan, double bandwidthMbps,
      LocalTraining local, String simulationDataVersion) {
    TrainAssignment.Builder a = TrainAssignment.newBuilder()
        .setTraining(training)
        .setRound(plan.round())
        .setModelVersion(plan.baseVersion())
        .setModel(model.toProto())
        .setLocal(local)
        .setDeadlineUnixMs(plan.deadline().toEpochMilli())
        .setEncoding(encodingFor(s.wan, bandwidthMbps).toProto())
        .setLabelColumn(labelColumn(s));
    if (simulationDataVersion != null) {
      a.setSimulationDataVersion(simulationDataVersion);
    }
    return a.build();
  }

  /** compression auto: int8 below 50 Mbit/s, fp16 below 200, else fp32. */
  static UpdateEncoding encodingFor(FederatedTrainingSpec.WanPolicy wan, double bandwidthMbps) {
    if (wan == null || wan.compression == null) {
      return UpdateEncoding.F32;
    }
    return switch (wan.compression) {
      case NONE -> UpdateEncoding.F32;
      case FP16 -> UpdateEncoding.F16;
      case INT8 -> UpdateEncoding.Q8;
      case AUTO -> bandwidthMbps <= 0 ? UpdateEncoding.F32 : bandwidthMbps < 50 ? UpdateEncoding.Q8
          : bandwidthMbps < 200 ? UpdateEncoding.F16 : UpdateEncoding.F32;
    };
  }

}
