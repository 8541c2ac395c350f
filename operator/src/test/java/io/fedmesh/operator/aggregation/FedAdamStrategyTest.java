package io.fedmesh.operator.aggregation;

import static io.fedmesh.operator.aggregation.AggregationStrategiesTest.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAdamStrategyTest {
  @Test
  void firstRoundFollowsThePaperNoBiasCorrection() {
    FedAdamStrategy adam = new FedAdamStrategy(0.1, 0.9, 0.99, 0.001);
    // mean update: (0.4*1 + 0.6*2) = 1.6 on parameter 0, -1 on parameter 1
    float[] out = adam.aggregate(new float[] {0, 0}, List.of(u("a", 40, 1, -1), u("b", 60, 2, -1)));
    double m0 = 0.1 * 1.6;
    double v0 = 0.01 * 1.6 * 1.6;
    assertThat((double) out[0]).isCloseTo(0.1 * m0 / (Math.sqrt(v0) + 0.001), within(1e-6));
    assertThat(out[1]).isNegative();
    float[] state = adam.state().orElseThrow();
    assertThat(state).hasSize(4);
    assertThat((double) state[0]).isCloseTo(m0, within(1e-7));
    assertThat((double) state[2]).isCloseTo(v0, within(1e-7));
  }

  @Test
  void momentsCarryAcrossRounds() {
    FedAdamStrategy adam = new FedAdamStrategy(0.1, 0.9, 0.99, 0.001);
    float[] g1 = adam.aggregate(new float[] {0}, List.of(u("a", 1, 1)));
    // the second round's sites sent back the global model unchanged: momentum alone still moves it
    float[] g2 = adam.aggregate(g1, List.of(u("a", 1, g1)));
    assertThat(g2[0]).isGreaterThan(g1[0]);
  }

  @Test
  void aRestoredStrategyContinuesExactlyLikeTheOneThatKeptRunning() {
    FedAdamStrategy running = new FedAdamStrategy(0.05, 0.9, 0.99, 0.001);
    float[] g = {0.5f, -0.5f};
    g = running.aggregate(g, List.of(u("a", 1, 1, 1), u("b", 3, 0, 2)));
    float[] saved = running.state().orElseThrow();
    FedAdamStrategy restarted = new FedAdamStrategy(0.05, 0.9, 0.99, 0.001);
    restarted.restore(saved, 2);
    List<ClientUpdate> next = List.of(u("a", 1, 2, 0), u("b", 1, 1, 1));
    assertThat(restarted.aggregate(g, next)).containsExactly(running.aggregate(g, next));
    // a fresh one (moments lost) would step differently: the test can tell the two apart
    FedAdamStrategy fresh = new FedAdamStrategy(0.05, 0.9, 0.99, 0.001);
    FedAdamStrategy resumed = new FedAdamStrategy(0.05, 0.9, 0.99, 0.001);
    resumed.restore(saved, 2);
    assertThat(fresh.aggregate(g, next)).isNotEqualTo(resumed.aggregate(g, next));
  }

  @Test
  void aStateOfTheWrongSizeIsRefusedByName() {
    assertThatThrownBy(() -> new FedAdamStrategy(0.1, 0.9, 0.99, 0.001).restore(new float[3], 2))
        .hasMessageContaining("first and second moments");
    assertThatThrownBy(() -> new FedAdamStrategy(0.1, 1.0, 0.99, 0.001)).hasMessageContaining("spec.strategy.fedAdam");
  }
}
