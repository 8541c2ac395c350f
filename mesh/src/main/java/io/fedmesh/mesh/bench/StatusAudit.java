package io.fedmesh.mesh.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.FedmeshOperator;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks, after the run, that every status fact some writer set is still there: each EdgeSite
 * carries both its heartbeat's RTT (written from heartbeats) and its round counts (written from the
 * rounds); each DistributedModel both its Ready condition (its reconciler) and its latest version
 * (the trainings); each training every round it completed. A fact missing is a lost write.
 */
final class StatusAudit {
  private StatusAudit() {}

  static long lost(KubernetesClient c, FedmeshOperator op, String ns, int sites, int trainings, int rounds) {
    long lost = 0;
    Map<String, EdgeSite> byName = new HashMap<>();
    c.resources(EdgeSite.class).inNamespace(ns).list().getItems().forEach(s -> byName.put(s.getMetadata().getName(), s));
    for (int i = 0; i < sites; i++) {
      EdgeSite s = byName.get("site-" + i);
      if (s == null || s.getStatus() == null) {
        lost += 2;
        continue;
      }
      var st = s.getStatus();
      if (st.measuredLink == null || st.measuredLink.rttMs == null || Math.abs(st.measuredLink.rttMs - SimulatedSites.rttOf(i)) > 0.01) {
        lost++;
      }
      var r = op.context().federation().reliability(ns + "/site-" + i);
      boolean counted = r.completed() + r.missed() > 0;
      if (counted && (st.roundsCompleted == null || st.roundsCompleted != r.completed() || st.roundsMissed == null
          || st.roundsMissed != r.missed())) {
        lost++;
      }
    }
    for (FederatedTraining t : c.resources(FederatedTraining.class).inNamespace(ns).list().getItems()) {
      FederatedTrainingStatus st = t.getStatus();
      int expected = Math.min(rounds, FederatedTrainingStatus.MAX_HISTORY);
      if (st == null || st.phase != FederatedTrainingStatus.Phase.Succeeded || st.history == null || st.history.size() != expected) {
        lost++;
      }
    }
    for (DistributedModel m : c.resources(DistributedModel.class).inNamespace(ns).list().getItems()) {
      var st = m.getStatus();
      if (st == null || st.condition(FedmeshApi.CONDITION_READY) == null || st.latestVersion == null || st.parameters == null) {
        lost++;
      }
    }
    return lost;
  }
}
