package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Federated evaluation as the sites report it: each update carries its site's evaluation of the
 * global model the round started from, on the site's held-out split. Weighted by held-out samples
 * they judge that model; the judgement goes to the round record that produced the model and to
 * {@code status.federatedEvaluation}.
 */
final class HeldOutEvaluations {
  private HeldOutEvaluations() {}

  /**
   * Records the evaluation of {@code version} (produced by round {@code producedBy}; 0 is the
   * initial model) from the round's updates; nothing when no update carried one.
   */
  static void record(FederatedTrainingStatus st, List<UpdateFacts> updates, String version, int producedBy, String metricName) {
    Map<String, ClientUpdate.HeldOut> bySite = new TreeMap<>();
    updates.stream().filter(u -> u.heldOut() != null).forEach(u -> bySite.put(u.site(), u.heldOut()));
    record(st, bySite, version, producedBy, metricName);
  }

  /**
   * The last version has no next round: the sites of the round that produced it evaluate it on
   * their held-out splits (when the training asks for federated evaluation), then {@code then} ends the run.
   */
  static RoundStateMachine.Step ofLastVersion(VersionEvaluations evaluations, FederatedTraining ft, FederatedTrainingStatus st,
      FederatedTrainingStatus previous, TrainingRun run, int round, List<UpdateFacts> updates, Finish then) {
    FederatedTrainingSpec s = ft.getSpec();
    if (s.evaluation == null || !Boolean.TRUE.equals(s.evaluation.federated)) {
      return then.finish(ft, st, previous);
    }
    Set<String> sites = new TreeSet<>();
    updates.stream().filter(u -> u.heldOut() != null).forEach(u -> sites.add(u.site())); // the sites that hold a split
    var local = AssignmentFactory.localTraining(s, run.strategy).toBuilder().setSeed(run.seed).build();
    String version = run.version;
    String metricName = run.model.task().metricName();
    return evaluations.ask(ft, st, previous, run, round, version, run.global, sites, local, (ft2, st2, previous2, reports) -> {
      Map<String, ClientUpdate.HeldOut> bySite = new TreeMap<>();
      reports.forEach((site, r) -> {
        if (r.ok()) {
          bySite.put(site, new ClientUpdate.HeldOut(r.metric(), r.loss(), r.samples()));
        }
      });
      record(st2, bySite, version, round, metricName);
      return then.finish(ft2, st2, previous2);
    });
  }

  /** Ends a run. */
  interface Finish {
    RoundStateMachine.Step finish(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous);
  }

  private static void record(FederatedTrainingStatus st, Map<String, ClientUpdate.HeldOut> bySite, String version, int producedBy,
      String metricName) {
    double sum = 0;
    long samples = 0;
    Map<String, Double> sites = new TreeMap<>();
    for (Map.Entry<String, ClientUpdate.HeldOut> e : bySite.entrySet()) {
      ClientUpdate.HeldOut h = e.getValue();
      if (h.samples() < 1 || !Double.isFinite(h.metric())) {
        continue;
      }
      sum += h.metric() * h.samples();
      samples += h.samples();
      sites.put(e.getKey(), TrainingStatuses.round4(h.metric()));
    }
    if (samples == 0) {
      return;
    }
    double value = TrainingStatuses.round4(sum / samples);
    FederatedTrainingStatus.HeldOutEvaluation e = new FederatedTrainingStatus.HeldOutEvaluation();
    e.version = version;
    e.metric = metricName;
    e.value = value;
    e.samples = samples;
    e.sites = sites;
    st.federatedEvaluation = e;
    for (FederatedTrainingStatus.RoundRecord r : st.history) {
      if (r.round != null && r.round == producedBy) {
        r.heldOutMetric = value;
        r.heldOutSites = sites;
      }
    }
  }
}
