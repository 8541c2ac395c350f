package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import org.junit.jupiter.api.Test;

class PrivacyValidationTest {
  static FederatedTrainingSpec withPrivacy(Double clip, Double noise, Double budget, Double delta) {
    FederatedTrainingSpec s = ValidatorsTest.valid();
    s.privacy = new FederatedTrainingSpec.Privacy();
    s.privacy.clipNorm = clip;
    s.privacy.noiseMultiplier = noise;
    s.privacy.epsilonBudget = budget;
    s.privacy.delta = delta;
    return s;
  }

  @Test
  void aBudgetWithClippingAndNoisePasses() {
    assertThat(new TrainingValidator().validate(withPrivacy(1.0, 1.1, 8.0, 1e-5)).ok()).isTrue();
    assertThat(new TrainingValidator().validate(withPrivacy(1.0, 1.1, null, null)).ok()).isTrue();
  }

  @Test
  void badBudgetsAndDeltasAreNamedWithTheFix() {
    assertThat(new TrainingValidator().validate(withPrivacy(1.0, 1.1, 0.0, 1.0)).message())
        .contains("spec.privacy.epsilonBudget must be a number above 0 (got 0.0)")
        .contains("spec.privacy.delta must be in (0, 1) (got 1.0)");
    assertThat(new TrainingValidator().validate(withPrivacy(1.0, 1.1, Double.POSITIVE_INFINITY, -1e-5)).message())
        .contains("spec.privacy.epsilonBudget must be a number above 0").contains("spec.privacy.delta must be in (0, 1) (got -1.0E-5)");
    assertThat(new TrainingValidator().validate(withPrivacy(0.0, 1.1, 3.0, null)).message())
        .contains("spec.privacy.epsilonBudget needs spec.privacy.clipNorm > 0 and spec.privacy.noiseMultiplier > 0 (got clipNorm 0.0");
    assertThat(new TrainingValidator().validate(withPrivacy(1.0, null, 3.0, null)).message())
        .contains("noiseMultiplier null");
  }
}
