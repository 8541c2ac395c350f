package io.fedmesh.operator.aggregation;

import static io.fedmesh.operator.aggregation.AggregationStrategiesTest.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NormBoundTest {
  static final float[] GLOBAL = {1, 1};

  @Test
  void normIsTheL2DistanceFromTheGlobalModel() {
    assertThat(NormBound.deltaNorm(GLOBAL, new float[] {4, 5})).isCloseTo(5.0, within(1e-12));
  }

  @Test
  void automaticBoundRefusesABoostedUpdateAndKeepsTheHonestOnes() {
    // deltas of norm 1, 1.2, 0.9, 1.1 and one boosted 50x
    List<ClientUpdate> updates = List.of(u("a", 1, 2, 1), u("b", 1, 1, 2.2f), u("c", 1, 1.9f, 1), u("d", 1, 1, 2.1f),
        u("evil", 1, 51, 1));
    NormBound.Screened s = NormBound.screen(GLOBAL, updates, null);
    assertThat(s.kept()).extracting(ClientUpdate::site).containsExactly("a", "b", "c", "d");
    assertThat(s.refused()).singleElement().satisfies(r -> {
      assertThat(r.site()).isEqualTo("evil");
      assertThat(r.reason()).contains("update norm 50.00").contains("3 x the round's median 1.100").contains("spec.strategy.maxUpdateNorm");
    });
    assertThat(s.bound()).isCloseTo(3.3, within(1e-6));
    // 0 means automatic too
    assertThat(NormBound.screen(GLOBAL, updates, 0.0).refused()).hasSize(1);
  }

  @Test
  void aConfiguredBoundIsAppliedAsGiven() {
    List<ClientUpdate> updates = List.of(u("a", 1, 2, 1), u("far", 1, 4, 1));
    NormBound.Screened s = NormBound.screen(GLOBAL, updates, 2.5);
    assertThat(s.kept()).extracting(ClientUpdate::site).containsExactly("a");
    assertThat(s.refused()).singleElement().satisfies(r -> assertThat(r.reason()).contains("above 2.500").contains("spec.strategy.maxUpdateNorm"));
  }

  @Test
  void tooFewUpdatesForAMedianKeepEverything() {
    List<ClientUpdate> updates = List.of(u("a", 1, 2, 1), u("huge", 1, 1000, 1));
    NormBound.Screened s = NormBound.screen(GLOBAL, updates, null);
    assertThat(s.kept()).hasSize(2);
    assertThat(s.refused()).isEmpty();
    assertThat(s.bound()).isInfinite();
  }
}
