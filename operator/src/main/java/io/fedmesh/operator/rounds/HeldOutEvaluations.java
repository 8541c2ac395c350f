package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    double sum = 0;
    long samples = 0;
    Map<String, Double> sites = new TreeMap<>();
    for (UpdateFacts u : updates) {
      ClientUpdate.HeldOut h = u.heldOut();
      if (h == null || h.samples() < 1 || !Double.isFinite(h.metric())) {
        continue;
      }
      sum += h.metric() * h.samples();
      samples += h.samples();
      sites.put(u.site(), TrainingStatuses.round4(h.metric()));
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
