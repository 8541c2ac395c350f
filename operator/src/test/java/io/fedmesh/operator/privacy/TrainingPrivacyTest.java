package io.fedmesh.operator.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.PrivacySpent;
import org.junit.jupiter.api.Test;

/** The ledger a training keeps in status: rounds in, (ε, δ) out, and the budget check before a round. */
class TrainingPrivacyTest {
  static FederatedTrainingSpec spec(Double clip, Double noise, Double budget) {
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 100;
    s.privacy = new FederatedTrainingSpec.Privacy();
    s.privacy.clipNorm = clip;
    s.privacy.noiseMultiplier = noise;
    s.privacy.epsilonBudget = budget;
    return s;
  }

  static double direct(double q, double sigma, int rounds, double delta) {
    int[] o = RdpAccountant.DEFAULT_ORDERS;
    return RdpAccountant.epsilon(o, RdpAccountant.rdp(q, sigma, rounds, o), delta).epsilon();
  }

  @Test
  void withoutNoiseOrClippingNothingIsAccounted() {
    assertThat(TrainingPrivacy.afterRound(new FederatedTrainingSpec(), null, 2, 4)).isNull();
    assertThat(TrainingPrivacy.afterRound(spec(1.0, 0.0, null), null, 2, 4)).isNull();
    // noise without clipping bounds nothing: the sensitivity is unbounded
    assertThat(TrainingPrivacy.afterRound(spec(0.0, 1.0, null), null, 2, 4)).isNull();
    assertThat(TrainingPrivacy.noised(spec(0.0, 1.0, null))).isFalse();
  }

  @Test
  void roundsOfOneMechanismShareAnEntryAndAddUpToTheComposedEpsilon() {
    FederatedTrainingSpec s = spec(1.0, 1.1, null);
    PrivacySpent spent = null;
    for (int r = 0; r < 30; r++) {
      spent = TrainingPrivacy.afterRound(s, spent, 2, 8);
    }
    assertThat(spent.rounds).isEqualTo(30);
    assertThat(spent.delta).isEqualTo(1e-5);
    assertThat(spent.mechanisms).singleElement().satisfies(m -> {
      assertThat(m.samplingRate).isEqualTo(0.25);
      assertThat(m.noiseMultiplier).isEqualTo(1.1);
      assertThat(m.rounds).isEqualTo(30);
    });
    double exact = direct(0.25, 1.1, 30, 1e-5);
    // reported rounded up to 4 decimals: never below the bound
    assertThat(spent.epsilon).isGreaterThanOrEqualTo(exact).isCloseTo(exact, within(1e-4));
  }

  @Test
  void differentSamplingRatesComposeAndAChangedDeltaIsReevaluated() {
    FederatedTrainingSpec s = spec(1.0, 1.5, null);
    PrivacySpent spent = TrainingPrivacy.afterRound(s, null, 2, 8);
    spent = TrainingPrivacy.afterRound(s, spent, 4, 8);
    spent = TrainingPrivacy.afterRound(s, spent, 2, 8);
    assertThat(spent.mechanisms).hasSize(2);
    assertThat(spent.mechanisms.get(0).rounds).isEqualTo(2);
    assertThat(spent.epsilon).isGreaterThan(direct(0.25, 1.5, 3, 1e-5)).isLessThan(direct(0.5, 1.5, 3, 1e-5));
    s.privacy.delta = 1e-3;
    PrivacySpent looser = TrainingPrivacy.afterRound(s, spent, 2, 8);
    assertThat(looser.delta).isEqualTo(1e-3);
    assertThat(looser.epsilon).isLessThan(spent.epsilon);
    // more selected than eligible (sites carried into a retry that left since): q is 1, not above
    assertThat(TrainingPrivacy.samplingRate(5, 3)).isEqualTo(1.0);
    assertThat(TrainingPrivacy.samplingRate(0, 3)).isZero();
  }

  @Test
  void theBudgetStopsTheRoundThatWouldExceedIt() {
    double afterThree = direct(0.5, 1.0, 3, 1e-5);
    double afterFour = direct(0.5, 1.0, 4, 1e-5);
    FederatedTrainingSpec s = spec(1.0, 1.0, (afterThree + afterFour) / 2);
    PrivacySpent spent = null;
    for (int r = 0; r < 3; r++) {
      assertThat(TrainingPrivacy.overBudget(s, spent, 4, 8)).as("round %d fits", r + 1).isEmpty();
      spent = TrainingPrivacy.afterRound(s, spent, 4, 8);
    }
    assertThat(spent.epsilon).isLessThanOrEqualTo(s.privacy.epsilonBudget);
    assertThat(spent.epsilonBudget).isEqualTo(s.privacy.epsilonBudget);
    assertThat(TrainingPrivacy.overBudget(s, spent, 4, 8)).hasValueSatisfying(m -> assertThat(m)
        .contains("above spec.privacy.epsilonBudget").contains("3 round(s) spent epsilon").contains("4 of 8 eligible sites"));
    // fewer sites in the next round spend less: that round may still fit
    assertThat(TrainingPrivacy.overBudget(s, spent, 1, 8)).isEmpty();
    // no budget: never stopped
    s.privacy.epsilonBudget = null;
    assertThat(TrainingPrivacy.overBudget(s, spent, 8, 8)).isEmpty();
  }

  @Test
  void noiseTurnedOffAfterAccountedRoundsMakesEpsilonUnbounded() {
    PrivacySpent spent = TrainingPrivacy.afterRound(spec(1.0, 1.0, null), null, 2, 4);
    FederatedTrainingSpec off = spec(1.0, 0.0, 5.0);
    assertThat(TrainingPrivacy.overBudget(off, spent, 2, 4)).hasValueSatisfying(m -> assertThat(m).contains("unbounded"));
    PrivacySpent after = TrainingPrivacy.afterRound(off, spent, 2, 4);
    assertThat(after.epsilon).as("no finite epsilon any more").isNull();
    assertThat(after.mechanisms).anySatisfy(m -> assertThat(m.noiseMultiplier).isZero());
  }
}
