package io.fedmesh.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.operator.placement.RoundPlanner.Site;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundPlannerTest {
  final RoundPlanner planner = new RoundPlanner();

  @Test
  void aStragglerForecastBeyondTwiceTheTargetIsLeftOutAndTheDeadlineFollowsTheChosenForecasts() {
    List<Site> sites = List.of(new Site("a", 500, 4.0, 0.5, 0), new Site("b", 500, 6.0, 0.5, 0), new Site("c", 500, 5.0, 0.5, 0),
        new Site("slow", 5000, 45.0, 2.0, 0));
    RoundPlanner.Plan plan = planner.plan(sites, 4, 2, 10, 5, 1);
    assertThat(plan.chosen()).containsExactly("a", "b", "c");
    assertThat(plan.reasons().get("slow")).startsWith("left out: a straggler, forecast 45.0 s over 2.0 x the target 10.0 s");
    assertThat(plan.deadlineSeconds()).as("1.5 x the target, the slowest chosen (6 s) being within it").isEqualTo(15.0);
  }

  @Test
  void theAutomaticTargetIsTheMedianForecastSoTenTimesSlowerSitesAreStragglers() {
    // issue 11's mixed WAN as forecast on a quiet box: six sites at 6-10 s, two 10x stragglers at 23 s
    List<Site> sites = List.of(new Site("s0", 7500, 22.6, 0.5, 0), new Site("s1", 7500, 24.2, 0.5, 0), new Site("s2", 7500, 10.4, 0.5, 0),
        new Site("s3", 7500, 7.0, 0.5, 0), new Site("s4", 7500, 8.5, 0.5, 0), new Site("s5", 7500, 6.6, 0.5, 0),
        new Site("s6", 7500, 9.5, 0.5, 0), new Site("s7", 7500, 7.7, 0.5, 0));
    double target = RoundPlanner.automaticTarget(sites, 60);
    assertThat(target).as("the median of the eight forecasts").isEqualTo((8.5 + 9.5) / 2);
    RoundPlanner.Plan plan = planner.plan(sites, 8, 2, target, 5, 1);
    assertThat(plan.chosen()).containsExactly("s2", "s3", "s4", "s5", "s6", "s7");
    assertThat(plan.reasons().get("s0")).startsWith("left out: a straggler, forecast 22.6 s over 2.0 x the target 9.0 s");
    assertThat(RoundPlanner.automaticTarget(List.of(new Site("new", 10, null, null, 0)), 60)).as("nothing forecast yet").isEqualTo(60);
  }

  @Test
  void utilityIsSamplesTimesLossDiscountedBySlownessOverTheTarget() {
    // 'big' holds 4x the data of 'small' but takes 1.5x the target: 4 x (1/1.5)^2 = 1.78 > 1, it still wins
    List<Site> sites = List.of(new Site("big", 400, 15.0, 1.0, 0), new Site("small", 100, 5.0, 1.0, 0));
    assertThat(planner.plan(sites, 1, 1, 10, 0, 1).chosen()).containsExactly("big");
    // at 1.9x the target: 4 x (1/1.9)^2 = 1.11, still; with a loss half as large it loses: 0.55 < 1
    List<Site> learned = List.of(new Site("big", 400, 19.0, 0.5, 0), new Site("small", 100, 5.0, 1.0, 0));
    RoundPlanner.Plan plan = planner.plan(learned, 1, 1, 10, 0, 1);
    assertThat(plan.chosen()).containsExactly("small");
    assertThat(plan.reasons().get("big")).startsWith("left out: utility").contains("ranks below the 1 chosen", "forecast 19.0 s");
    assertThat(plan.deadlineSeconds()).isEqualTo(15.0);
  }

  @Test
  void fairnessBringsInASiteLeftOutForTooLongEvenWhenItIsAStraggler() {
    List<Site> sites = List.of(new Site("a", 500, 4.0, 0.5, 0), new Site("b", 500, 4.0, 0.5, 1), new Site("slow", 500, 30.0, 0.5, 5));
    RoundPlanner.Plan plan = planner.plan(sites, 2, 1, 10, 5, 1);
    assertThat(plan.chosen()).contains("slow").hasSize(2);
    assertThat(plan.reasons().get("slow")).startsWith("chosen for fairness: not in the last 5 rounds (participants.fairnessRounds 5)");
    assertThat(plan.deadlineSeconds()).as("the fairness pick's forecast sets the deadline").isEqualTo(45.0);
    assertThat(planner.plan(sites, 2, 1, 10, 0, 1).chosen()).as("fairnessRounds 0: no bound").containsExactly("a", "b");
  }

  @Test
  void stragglersFillAQuorumFastestFirstAndNewSitesAreTriedAtTheTarget() {
    List<Site> sites = List.of(new Site("a", 500, 4.0, 0.5, 0), new Site("s1", 500, 40.0, 0.5, 0), new Site("s2", 500, 25.0, 0.5, 0),
        new Site("new", 500, null, null, 0));
    RoundPlanner.Plan plan = planner.plan(sites, 4, 3, 10, 0, 1);
    assertThat(plan.chosen()).as("a quorum of 3 out of 4 wanted: one straggler, the faster").containsExactly("a", "new", "s2");
    assertThat(plan.reasons().get("new")).endsWith("no forecast yet");
    assertThat(plan.reasons().get("s2")).startsWith("chosen although slow");
    assertThat(plan.reasons().get("s1")).startsWith("left out: a straggler");
    assertThat(plan.deadlineSeconds()).isEqualTo(37.5);
  }
}
