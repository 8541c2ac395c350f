package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.CoalescingStatusWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a round tells other kinds, handed to their status owners off the reconcile path: a new
 * DistributedModel version and each site's reliability and assignments.
 */
final class RoundRecorder {
  private final Federation federation;
  private final CoalescingStatusWriter<DistributedModelStatus, DistributedModel> models;
  private final SiteStatusWriter sites;

  RoundRecorder(Federation federation, CoalescingStatusWriter<DistributedModelStatus, DistributedModel> models, SiteStatusWriter sites) {
    this.federation = federation;
    this.models = models;
    this.sites = sites;
  }

  void reliability(String namespace, Collection<String> delivered, Collection<String> missed) {
    delivered.forEach(s -> report(namespace + "/" + s, federation.recordRound(namespace + "/" + s, true)));
    missed.forEach(s -> report(namespace + "/" + s, federation.recordRound(namespace + "/" + s, false)));
  }

  private void report(String siteKey, Federation.Reliability r) {
    sites.report(siteKey, f -> f.withReliability(r.completed(), r.missed()));
  }

  void assigned(String namespace, Collection<String> siteNames) {
    for (String s : siteNames) {
      String key = namespace + "/" + s;
      List<String> trainings = federation.assignments.trainingsOf(key);
      sites.report(key, f -> f.withAssigned(trainings));
    }
  }

  /** A training quarantined {@code site} ({@code entry} set) or let it back ({@code entry} null): its EdgeSite status says so. */
  void quarantine(String namespace, String training, String site, SiteQuarantine.Entry entry) {
    io.fedmesh.api.v1alpha1.EdgeSiteStatus.Quarantine q = null;
    if (entry != null) {
      q = new io.fedmesh.api.v1alpha1.EdgeSiteStatus.Quarantine();
      q.training = training;
      q.reason = entry.reason();
      q.untilRound = entry.untilRound();
    }
    io.fedmesh.api.v1alpha1.EdgeSiteStatus.Quarantine value = q;
    sites.report(namespace + "/" + site, f -> f.withQuarantine(training, value));
  }

  void modelVersion(TrainingRun run, ModelStep.Result result, int round) {
    DistributedModelStatus.ModelVersion v = new DistributedModelStatus.ModelVersion();
    v.version = result.version();
    v.digest = result.digest();
    v.metric = result.evaluation().metricName();
    v.value = TrainingStatuses.round4(result.evaluation().metric());
    v.producedBy = run.key + "#" + round;
    v.checkpoint = result.checkpoint().toString();
    v.createdAt = Conditions.now();
    long parameters = run.model.parameterCount();
    models.submit(run.namespace, run.modelRef, st -> withVersion(st, v, parameters));
  }

  /** The status with {@code v} as its latest version (again if it was there: the change may be applied twice). */
  static DistributedModelStatus withVersion(DistributedModelStatus st, DistributedModelStatus.ModelVersion v, long parameters) {
    List<DistributedModelStatus.ModelVersion> versions = new ArrayList<>(st.versions == null ? List.of() : st.versions);
    versions.removeIf(x -> v.version.equals(x.version));
    versions.add(v);
    while (versions.size() > DistributedModelStatus.MAX_HISTORY) {
      versions.remove(0);
    }
    st.versions = versions;
    st.latestVersion = v.version;
    st.latestMetric = v.value;
    st.parameters = parameters;
    return st;
  }
}
