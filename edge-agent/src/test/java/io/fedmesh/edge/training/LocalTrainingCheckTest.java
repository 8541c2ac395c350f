package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.Blobs;
import io.fedmesh.proto.federation.v1.LocalTraining;
import org.junit.jupiter.api.Test;

class LocalTrainingCheckTest {
  static final LocalTraining VALID = LocalTraining.newBuilder().setEpochs(1).setBatchSize(8).setLearningRate(0.1)
      .setOptimizer("sgd").build();

  @Test
  void explicitSettingsPassAndZeroMeansOffForTheOptionalTerms() {
    assertThat(LocalTrainingCheck.problem(VALID)).isEmpty();
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setOptimizer("adam").build())).isEmpty();
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setProximalMu(0.01).setClipNorm(1).setNoiseMultiplier(0.5).build()))
        .isEmpty();
  }

  @Test
  void eachMissingOrImpossibleValueIsNamedNeverFilledIn() {
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().clearLearningRate().build()))
        .contains("local.learning_rate must be > 0 (got 0.0)");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setLearningRate(Double.NaN).build()))
        .hasValueSatisfying(p -> assertThat(p).startsWith("local.learning_rate must be > 0"));
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().clearEpochs().build())).contains("local.epochs must be > 0 (got 0)");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setBatchSize(-4).build()))
        .contains("local.batch_size must be > 0 (got -4)");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().clearOptimizer().build()))
        .contains("local.optimizer must be sgd or adam (got '')");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setProximalMu(-1).build()))
        .contains("local.proximal_mu must be >= 0 (got -1.0)");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setClipNorm(-1).build())).contains("local.clip_norm must be >= 0 (got -1.0)");
    assertThat(LocalTrainingCheck.problem(VALID.toBuilder().setNoiseMultiplier(-1).build()))
        .contains("local.noise_multiplier must be >= 0 (got -1.0)");
  }

  @Test
  void theTrainerRefusesBeforeTrainingRatherThanUsingADefault() {
    MlpSpec spec = new MlpSpec(new int[] {4, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    assertThatThrownBy(() -> new DjlTrainer().train(spec, MlpParameters.initialize(spec, 1), Blobs.of(10, 1),
        VALID.toBuilder().clearLearningRate().build(), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("local.learning_rate must be > 0");
  }
}
