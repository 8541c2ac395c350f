package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcquisitionCheckTest {
  static AdaptiveSimulation guided(int parameters) {
    AdaptiveSimulation a = new AdaptiveSimulation();
    a.acquisition = AdaptiveSimulation.Acquisition.UNCERTAINTY;
    a.maxBursts = 4;
    a.burstTemplate = new SimulationBurstSpec();
    a.burstTemplate.sweep = new ArrayList<>();
    for (int i = 0; i < parameters; i++) {
      SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
      p.name = "p" + i;
      p.min = 0.0;
      p.max = 1.0;
      a.burstTemplate.sweep.add(p);
    }
    return a;
  }

  static List<String> problems(AdaptiveSimulation a) {
    List<String> p = new ArrayList<>();
    AcquisitionCheck.check(a, p);
    return p;
  }

  @Test
  void aGuidedAcquisitionNeedsASweepRoomForMoreThanOneBurstAndAFewRegions() {
    assertThat(problems(guided(5))).isEmpty();
    assertThat(problems(guided(0))).singleElement().asString().contains("needs a burstTemplate.sweep");
    AdaptiveSimulation one = guided(2);
    one.maxBursts = 1;
    assertThat(problems(one)).singleElement().asString().contains("set maxBursts to 2 or more");
    AdaptiveSimulation many = guided(5);
    many.regionsPerParameter = 6; // 7,776 regions
    assertThat(problems(many)).singleElement().asString().contains("spec.adaptiveSimulation.regionsPerParameter 6");
    AdaptiveSimulation budget = guided(2);
    budget.coreHourBudget = -1.0;
    assertThat(problems(budget)).singleElement().asString().startsWith("spec.adaptiveSimulation.coreHourBudget");
  }

  @Test
  void uniformIsTodaysBehaviourAndNeedsNothingMore() {
    AdaptiveSimulation a = guided(0);
    a.acquisition = AdaptiveSimulation.Acquisition.UNIFORM;
    a.maxBursts = 1;
    assertThat(problems(a)).isEmpty();
  }
}
