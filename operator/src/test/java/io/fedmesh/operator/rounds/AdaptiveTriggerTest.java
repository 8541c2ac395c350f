package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveTriggerTest {
  static List<RoundRecord> rounds(double... metrics) {
    List<RoundRecord> h = new ArrayList<>();
    for (int i = 0; i < metrics.length; i++) {
      RoundRecord r = new RoundRecord();
      r.round = i + 1;
      r.metric = metrics[i];
      r.samples = 1000L;
      h.add(r);
    }
    return h;
  }

  static AdaptiveSimulation spec(AdaptiveSimulation.Trigger trigger) {
    AdaptiveSimulation a = new AdaptiveSimulation();
    a.trigger = trigger;
    a.patience = 2;
    a.minDelta = 0.01;
    a.maxBursts = 1;
    return a;
  }

  @Test
  void plateauFiresWhenTheMetricStopsImprovingInTheRightDirection() {
    AdaptiveSimulation a = spec(AdaptiveSimulation.Trigger.PLATEAU);
    assertThat(AdaptiveTrigger.fire(a, rounds(0.5, 0.7), true, 1000, 0)).as("too few rounds").isEmpty();
    assertThat(AdaptiveTrigger.fire(a, rounds(0.5, 0.7, 0.8), true, 1000, 0)).as("accuracy still rising").isEmpty();
    assertThat(AdaptiveTrigger.fire(a, rounds(0.5, 0.80, 0.805, 0.806), true, 1000, 0)).get().asString()
        .startsWith("trigger plateau: the metric gained 0.0060 over the last 2 rounds");
    assertThat(AdaptiveTrigger.fire(a, rounds(0.30, 0.20, 0.10), false, 1000, 0)).as("mse falling").isEmpty();
    assertThat(AdaptiveTrigger.fire(a, rounds(0.30, 0.20, 0.21, 0.205), false, 1000, 0)).isPresent();
    assertThat(AdaptiveTrigger.fire(a, rounds(0.5, 0.80, 0.805, 0.806), true, 1000, 1)).as("maxBursts reached").isEmpty();
  }

  @Test
  void alwaysFiresOnceAndLowDataOnASmallCohort() {
    assertThat(AdaptiveTrigger.fire(spec(AdaptiveSimulation.Trigger.ALWAYS), List.of(), true, 0, 0)).isPresent();
    AdaptiveSimulation more = spec(AdaptiveSimulation.Trigger.ALWAYS);
    more.maxBursts = 3;
    assertThat(AdaptiveTrigger.fire(more, List.of(), true, 0, 1)).as("always means once").isEmpty();
    AdaptiveSimulation low = spec(AdaptiveSimulation.Trigger.LOW_DATA);
    low.minSamples = 5000L;
    assertThat(AdaptiveTrigger.fire(low, List.of(), true, 0, 0)).as("no round yet").isEmpty();
    assertThat(AdaptiveTrigger.fire(low, rounds(0.5), true, 1000, 0)).get().asString().contains("fewer than minSamples 5000");
    assertThat(AdaptiveTrigger.fire(low, rounds(0.5), true, 6000, 0)).isEmpty();
  }
}
