package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.RoundForecast;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.operator.placement.ParticipantSelector.Candidate;
import io.fedmesh.operator.placement.RoundPlanner;
import io.fedmesh.operator.sites.SiteForecasts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A round planned to spec.roundDeadline.targetSeconds ({@link RoundPlanner}), from what the
 * operator knows of each eligible site: its latest round-time forecast, its last training loss in
 * this run, and how many rounds it has been left out (from status.history).
 */
final class PlannedSelection {
  private final RoundPlanner planner = new RoundPlanner();
  private final SiteForecasts forecasts;

  PlannedSelection(SiteForecasts forecasts) {
    this.forecasts = forecasts;
  }

  /** Whether the spec asks for planned rounds. */
  static boolean applies(FederatedTrainingSpec s) {
    return s.roundDeadline != null && s.roundDeadline.targetSeconds != null;
  }

  RoundPlanner.Plan plan(FederatedTrainingSpec s, FederatedTrainingStatus st, TrainingRun run, List<Candidate> eligible, int count,
      int quorum, long seed) {
    List<FederatedTrainingStatus.RoundRecord> history = st.history == null ? List.of() : st.history;
    List<RoundPlanner.Site> sites = new ArrayList<>();
    for (Candidate c : eligible) {
      Double forecast = forecasts.latest(run.namespace + "/" + c.site()).map(f -> f.nextRoundSeconds).orElse(null);
      sites.add(new RoundPlanner.Site(c.site(), c.samples(), forecast, run.lastLoss.get(c.site()), roundsLeftOut(history, c.site())));
    }
    int fairness = s.participants == null || s.participants.fairnessRounds == null ? TrainingDefaults.FAIRNESS_ROUNDS
        : s.participants.fairnessRounds;
    double initial = s.roundDeadline.initialSeconds == null ? TrainingDefaults.DEADLINE_SECONDS : s.roundDeadline.initialSeconds;
    double target = s.roundDeadline.targetSeconds > 0 ? s.roundDeadline.targetSeconds : RoundPlanner.automaticTarget(sites, initial);
    RoundPlanner.Plan plan = planner.plan(sites, count, quorum, target, fairness, seed);
    double min = s.roundDeadline.minSeconds == null ? 1 : s.roundDeadline.minSeconds;
    double max = s.roundDeadline.maxSeconds == null ? Double.MAX_VALUE : s.roundDeadline.maxSeconds;
    double deadline = plan.deadlineSeconds();
    boolean unmeasured = sites.stream().anyMatch(site -> site.forecastSeconds() == null && plan.chosen().contains(site.name()));
    if (unmeasured) { // nothing says how long a new site takes: it gets the first round's deadline, and a forecast from it
      deadline = Math.max(deadline, initial);
    }
    return new RoundPlanner.Plan(plan.chosen(), plan.reasons(), Math.max(min, Math.min(max, deadline)));
  }

  /** Rounds since {@code site} last delivered or was chosen, counted back through the history (all of it when never). */
  static int roundsLeftOut(List<FederatedTrainingStatus.RoundRecord> history, String site) {
    int n = 0;
    for (int i = history.size() - 1; i >= 0; i--) {
      FederatedTrainingStatus.RoundRecord r = history.get(i);
      if ((r.participants != null && r.participants.contains(site)) || (r.missed != null && r.missed.contains(site))) {
        return n;
      }
      n++;
    }
    return n;
  }

  /** An Event naming the sites a planned round leaves out, when it leaves any out. */
  void announce(io.fedmesh.api.v1alpha1.FederatedTraining ft, io.fedmesh.operator.status.EventRecorder events, int round,
      RoundPlanner.Plan plan) {
    List<String> out = plan.reasons().entrySet().stream().filter(e -> e.getValue().startsWith("left out"))
        .map(e -> e.getKey() + " (" + e.getValue().substring("left out: ".length()) + ")").toList();
    if (!out.isEmpty()) {
      events.normal(ft, "RoundPlanned", "round " + round + " planned to " + ft.getSpec().roundDeadline.targetSeconds + " s (deadline "
          + Math.round(plan.deadlineSeconds()) + " s) leaves out " + String.join("; ", out));
    }
  }

  /** The reasons of a planned round, for its record. */
  static Map<String, String> forRecord(Map<String, String> reasons) {
    return reasons == null || reasons.isEmpty() ? null : new java.util.TreeMap<>(reasons);
  }
}
