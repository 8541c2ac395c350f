package io.fedmesh.operator.reconciler;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.StatusPatcher;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates EdgeSite specs and gives sites no agent has registered for yet a status that says so.
 * Heartbeat status is written by the coordinator ({@code EdgeSiteMirror}), not here.
 */
@ControllerConfiguration(name = "edgesite")
public final class EdgeSiteReconciler implements Reconciler<EdgeSite> {
  private static final Pattern REGION = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private final StatusPatcher patcher;
  private final io.micrometer.core.instrument.Timer latency;

  public EdgeSiteReconciler(StatusPatcher patcher, io.micrometer.core.instrument.Timer latency) {
    this.latency = latency;
    this.patcher = patcher;
  }

  @Override
  public UpdateControl<EdgeSite> reconcile(EdgeSite site, Context<EdgeSite> context) {
    return latency.record(() -> doReconcile(site));
  }

  private UpdateControl<EdgeSite> doReconcile(EdgeSite site) {
    List<String> problems = validate(site.getSpec());
    EdgeSiteStatus previous = site.getStatus();
    Long generation = site.getMetadata().getGeneration();
    if (!problems.isEmpty()) {
      EdgeSiteStatus st = copyOf(previous);
      st.observedGeneration = generation;
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "ValidationFailed", String.join("; ", problems), generation);
      patcher.patch(EdgeSite.class, site.getMetadata().getNamespace(), site.getMetadata().getName(), st);
    } else if (previous == null || previous.phase == null) {
      EdgeSiteStatus st = new EdgeSiteStatus();
      st.phase = EdgeSiteStatus.Phase.Pending;
      st.observedGeneration = generation;
      st.message = "no agent has registered for this site yet: run the edge agent with --site " + site.getMetadata().getName();
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "AwaitingAgent", st.message, generation);
      patcher.patch(EdgeSite.class, site.getMetadata().getNamespace(), site.getMetadata().getName(), st);
    } else if (!generation.equals(previous.observedGeneration)) {
      EdgeSiteStatus st = copyOf(previous);
      st.observedGeneration = generation;
      patcher.patch(EdgeSite.class, site.getMetadata().getNamespace(), site.getMetadata().getName(), st);
    }
    return UpdateControl.noUpdate();
  }

  static List<String> validate(EdgeSiteSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return p;
    }
    if (spec.region != null && !REGION.matcher(spec.region).matches()) {
      p.add("spec.region '" + spec.region + "' must be a lowercase DNS label, e.g. eu-west-1");
    }
    if (spec.maxConcurrentLearners != null && (spec.maxConcurrentLearners < 1 || spec.maxConcurrentLearners > 64)) {
      p.add("spec.maxConcurrentLearners must be between 1 and 64 (got " + spec.maxConcurrentLearners + ")");
    }
    if (spec.capacity != null && ((spec.capacity.cpu != null && spec.capacity.cpu < 0)
        || (spec.capacity.memoryMiB != null && spec.capacity.memoryMiB < 0) || (spec.capacity.gpus != null && spec.capacity.gpus < 0))) {
      p.add("spec.capacity values must not be negative");
    }
    return p;
  }

  private static EdgeSiteStatus copyOf(EdgeSiteStatus s) {
    EdgeSiteStatus c = new EdgeSiteStatus();
    if (s != null) {
      c.phase = s.phase;
      c.lastHeartbeat = s.lastHeartbeat;
      c.measuredLink = s.measuredLink;
      c.free = s.free;
      c.datasets = s.datasets;
      c.assignedLearners = s.assignedLearners;
      c.agentVersion = s.agentVersion;
      c.message = s.message;
      c.roundsCompleted = s.roundsCompleted;
      c.roundsMissed = s.roundsMissed;
      c.conditions = s.conditions;
    }
    return c;
  }
}
