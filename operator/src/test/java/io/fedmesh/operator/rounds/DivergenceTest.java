package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A round whose result is NaN or infinite is never kept (it used to Succeed with "mse NaN"). */
class DivergenceTest {
  static UpdateFacts update(String site, double loss, float... w) {
    return new ClientUpdate(site, w, 10, loss, 0, 0).facts();
  }

  @Test
  void finiteResultsAreKept() {
    assertThat(ModelStep.divergence(new float[] {0.1f, -2f}, List.of(update("a", 0.3, 0.1f, -2f)))).isNull();
  }

  @Test
  void aNonFiniteWeightOrLossIsNamed() {
    assertThat(ModelStep.divergence(new float[] {0.1f, Float.NaN}, List.of(update("a", 0.3, 0.1f, 1f))))
        .isEqualTo("the aggregated model has a non-finite weight (index 1 is NaN)");
    assertThat(ModelStep.divergence(new float[] {0.1f, 1f}, List.of(update("a", 0.3), update("b", Double.POSITIVE_INFINITY))))
        .isEqualTo("site b reported a non-finite training loss (Infinity)");
  }
}
