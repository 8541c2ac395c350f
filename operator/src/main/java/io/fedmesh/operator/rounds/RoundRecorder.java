package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.StatusRecorder;
import java.util.Collection;
import java.util.List;

/**
 * What a round tells other kinds, handed to their status owners off the reconcile path: a new
 * DistributedModel version and each site's reliability and assignments.
 */
final class RoundRecorder {
  private final Federation federation;
  private final ModelVersionWriter versions;
  private final SiteStatusWriter sites;

  /** @param sites null where no EdgeSite status is kept (benchmarks of the rounds alone) */
  RoundRecorder(Federation federation, StatusRecorder<DistributedModelStatus, DistributedModel> models, SiteStatusWriter sites) {
    this.federation = federation;
    this.versions = new ModelVersionWriter(models);
    this.sites = sites;
  }

  void reliability(String namespace, Collection<String> delivered, Collection<String> missed) {
    delivered.forEach(s -> report(namespace + "/" + s, federation.recordRound(namespace + "/" + s, true)));
    missed.forEach(s -> report(namespace + "/" + s, federation.recordRound(namespace + "/" + s, false)));
  }

  private void report(String siteKey, Federation.Reliability r) {
    if (sites != null) {
      sites.report(siteKey, f -> f.withReliability(r.completed(), r.missed()));
    }
  }

  void assigned(String namespace, Collection<String> siteNames) {
    if (sites == null) {
      return;
    }
    for (String s : siteNames) {
      String key = namespace + "/" + s;
      List<String> trainings = federation.assignments.trainingsOf(key);
      sites.report(key, f -> f.withAssigned(trainings));
    }
  }

  /** Model versions not yet written. */
  int backlog() {
    return versions.backlog();
  }

  void close() {
    versions.close();
  }

  void modelVersion(FederatedTraining ft, TrainingRun run, ModelStep.Result result, int round) {
    DistributedModelStatus.ModelVersion v = new DistributedModelStatus.ModelVersion();
    v.version = result.version();
    v.digest = result.digest();
    v.metric = result.evaluation().metricName();
    v.value = TrainingStatuses.round4(result.evaluation().metric());
    v.producedBy = run.key + "#" + round;
    v.checkpoint = result.checkpoint().toString();
    v.createdAt = Conditions.now();
    versions.add(new ModelVersionWriter.Version(run.namespace, run.modelRef, v, run.model.parameterCount()));
  }
}
