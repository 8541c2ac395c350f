package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import org.junit.jupiter.api.Test;

class RobustStrategyChecksTest {
  static FederatedTrainingSpec krum(int f, int m, int minSites) {
    FederatedTrainingSpec s = ValidatorsTest.valid();
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.Krum;
    s.strategy.krum = new FederatedTrainingSpec.Krum();
    s.strategy.krum.byzantine = f;
    s.strategy.krum.select = m;
    s.participants.minSites = minSites;
    return s;
  }

  @Test
  void krumNamesTheMinSitesItNeeds() {
    ValidationResult r = new TrainingValidator().validate(krum(2, 1, 4));
    assertThat(r.ok()).isFalse();
    assertThat(r.message()).contains("needs more than 2f+2 = 6 updates per round")
        .contains("set spec.participants.minSites to at least 7 (now 4)").contains("spec.strategy.krum.byzantine");
    assertThat(new TrainingValidator().validate(krum(2, 1, 7)).ok()).isTrue();
  }

  @Test
  void krumDefaultsNeedFiveSites() {
    FederatedTrainingSpec s = ValidatorsTest.valid();
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.Krum;
    assertThat(new TrainingValidator().validate(s).message()).contains("krum.byzantine 1").contains("at least 5 (now 1)");
  }

  @Test
  void multiKrumCannotAverageMoreThanNMinusF() {
    assertThat(new TrainingValidator().validate(krum(2, 6, 7)).message()).contains("spec.strategy.krum.select 6 must not exceed"
        + " minSites - byzantine = 5");
    assertThat(new TrainingValidator().validate(krum(2, 5, 7)).ok()).isTrue();
  }

  @Test
  void fedAdamAndNormBoundFieldsAreChecked() {
    FederatedTrainingSpec s = ValidatorsTest.valid();
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.FedAdam;
    assertThat(new TrainingValidator().validate(s).ok()).isTrue();
    s.strategy.fedAdam = new FederatedTrainingSpec.FedAdam();
    s.strategy.fedAdam.beta1 = 1.0;
    s.strategy.fedAdam.tau = 0.0;
    s.strategy.maxUpdateNorm = -1.0;
    s.participants.quarantineAfter = 0;
    assertThat(new TrainingValidator().validate(s).message()).contains("spec.strategy.fedAdam.beta1 must be a number between 0 and 0.999999")
        .contains("spec.strategy.fedAdam.tau must be a finite number of at least").contains("spec.strategy.maxUpdateNorm must be a finite number >= 0")
        .contains("spec.participants.quarantineAfter must be between 1 and 1000");
  }

  @Test
  void bufferedAsyncSettingsBelongToItsTypeAndItsCombinationsAreNamed() {
    FederatedTrainingSpec s = ValidatorsTest.valid();
    s.strategy.bufferedAsync = new FederatedTrainingSpec.BufferedAsync();
    assertThat(new TrainingValidator().validate(s).message()).contains("spec.strategy.bufferedAsync applies only to spec.strategy.type"
        + " BufferedAsync (type is FedAvg)");
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.BufferedAsync;
    assertThat(new TrainingValidator().validate(s).ok()).isTrue();
    s.strategy.bufferedAsync.bufferSize = 0;
    assertThat(new TrainingValidator().validate(s).message()).contains("spec.strategy.bufferedAsync.bufferSize");
    s.strategy.bufferedAsync.bufferSize = 3;
    s.simulationDataFrom = java.util.List.of("burst");
    assertThat(new TrainingValidator().validate(s).message()).contains("not supported with spec.strategy.type BufferedAsync");
  }
}
