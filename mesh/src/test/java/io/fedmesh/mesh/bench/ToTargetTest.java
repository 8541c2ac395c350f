package io.fedmesh.mesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ToTargetTest {
  private static JsonNode summary(String history, double last) throws Exception {
    return new ObjectMapper().readTree("{\"metric\": {\"name\": \"accuracy\", \"value\": " + last + "}, \"history\": [" + history + "]}");
  }

  private static final String ROUNDS = """
      {"round": 1, "metric": 0.70, "bytes": 100, "seconds": 60.0},
      {"round": 2, "metric": 0.84, "bytes": 100, "seconds": 60.0},
      {"round": 3, "metric": 0.86, "bytes": 100, "seconds": 60.0},
      {"round": 4, "metric": 0.85, "bytes": 100, "seconds": 60.0}""";

  @Test
  void timeAndBytesCountUpToTheFirstRoundThatReachesTheTarget() throws Exception {
    ToTarget t = ToTarget.of(summary(ROUNDS, 0.85), 0.85, true);
    assertThat(t.reached()).isTrue();
    assertThat(t.reachedAt()).isEqualTo(3);
    assertThat(t.seconds()).isEqualTo(180.0);
    assertThat(t.bytes()).isEqualTo(300);
    assertThat(t.finalMetric()).isEqualTo(0.85);
    assertThat(t.steps()).isEqualTo(4);
  }

  @Test
  void aRunThatNeverGetsThereCountsAllItDidAndSaysSo() throws Exception {
    ToTarget t = ToTarget.of(summary(ROUNDS, 0.85), 0.9, true);
    assertThat(t.reached()).isFalse();
    assertThat(t.seconds()).isEqualTo(240.0);
    assertThat(t.bytes()).isEqualTo(400);
    ToTarget lower = ToTarget.of(summary(ROUNDS, 0.85), 0.75, false);
    assertThat(lower.reachedAt()).as("an mse target: the first at or below it").isEqualTo(1);
  }

  @Test
  void theBestOfTwoIsTheSoonerThereAndOneThatGotThereBeatsOneThatDidNot() {
    ToTarget fast = new ToTarget(3, 50, 10, 0.86, 3);
    ToTarget slow = new ToTarget(5, 90, 5, 0.87, 5);
    ToTarget never = new ToTarget(0, 20, 1, 0.60, 9);
    assertThat(WanBenchmark.bestOf(fast, slow)).isSameAs(fast);
    assertThat(WanBenchmark.bestOf(slow, fast)).isSameAs(fast);
    assertThat(WanBenchmark.bestOf(never, slow)).isSameAs(slow);
  }
}
