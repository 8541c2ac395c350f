package io.fedmesh.operator.reconciler;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.operator.sites.EdgeSiteStatuses;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates EdgeSite specs and gives sites no agent has registered for yet a status that says so.
 * Heartbeat facts reach the same status owner ({@link SiteStatusWriter}) from the coordinator.
 */
@ControllerConfiguration(name = "edgesite")
public final class EdgeSiteReconciler implements Reconciler<EdgeSite> {
  private static final Pattern REGION = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private final SiteStatusWriter status;
  private final io.micrometer.core.instrument.Timer latency;

  public EdgeSiteReconciler(SiteStatusWriter status, io.micrometer.core.instrument.Timer latency) {
    this.latency = latency;
    this.status = status;
  }

  @Override
  public UpdateControl<EdgeSite> reconcile(EdgeSite site, Context<EdgeSite> context) {
    return latency.record(() -> doReconcile(site));
  }

  private UpdateControl<EdgeSite> doReconcile(EdgeSite site) {
    EdgeSiteStatus previous = site.getStatus();
    Long generation = site.getMetadata().getGeneration();
    if (previous != null && previous.phase != null && generation.equals(previous.observedGeneration)) {
      return UpdateControl.noUpdate();
    }
    List<String> problems = validate(site.getSpec());
    status.writeNow(site.getMetadata().getNamespace() + "/" + site.getMetadata().getName(),
        st -> EdgeSiteStatuses.validated(st, problems, site.getMetadata().getName(), generation));
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
}
