package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundDeadlinePolicyTest {
  @Test
  void initialUntilRoundsWereObservedThenThreeTimesTheMedianClamped() {
    FederatedTrainingSpec.RoundDeadline d = new FederatedTrainingSpec.RoundDeadline();
    d.initialSeconds = 60;
    d.minSeconds = 5;
    d.maxSeconds = 30;
    assertThat(RoundDeadlinePolicy.nextDeadlineSeconds(d, List.of())).isEqualTo(60);
    assertThat(RoundDeadlinePolicy.nextDeadlineSeconds(d, List.of(2.0, 4.0, 3.0))).isEqualTo(9.0);
    assertThat(RoundDeadlinePolicy.nextDeadlineSeconds(d, List.of(0.5, 0.5))).isEqualTo(5.0);
    assertThat(RoundDeadlinePolicy.nextDeadlineSeconds(d, List.of(40.0))).isEqualTo(30.0);
    d.adaptive = false;
    assertThat(RoundDeadlinePolicy.nextDeadlineSeconds(d, List.of(2.0))).isEqualTo(60);
  }
}
