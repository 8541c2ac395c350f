package io.fedmesh.operator.coordinator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DatasetRef;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.LinkQuality;
import io.fedmesh.api.v1alpha1.Quantities;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusPatcher;
import io.fedmesh.proto.federation.v1.Dataset;
import io.fedmesh.proto.federation.v1.SiteState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors what agents report into EdgeSite resources: creates the EdgeSite on first registration,
 * merges labels, writes status from heartbeats (at most every few seconds unless the phase
 * changes), and marks sites Offline when they fall silent.
 */
public final class EdgeSiteMirror {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeSiteMirror.class);
  private static final Duration STATUS_EVERY = Duration.ofSeconds(3);

  private final KubernetesClient client;
  private final StatusPatcher patcher;
  private final EventRecorder events;

  public EdgeSiteMirror(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.patcher = new StatusPatcher(client);
    this.events = events;
  }

  /** Creates or updates the EdgeSite of a registering agent. */
  public void registered(SiteSession s) {
    var resource = client.resources(EdgeSite.class).inNamespace(s.namespace).withName(s.site);
    EdgeSite existing = resource.get();
    if (existing == null) {
      EdgeSite site = new EdgeSite();
      site.setMetadata(new ObjectMetaBuilder().withName(s.site).withNamespace(s.namespace).withLabels(s.labels).build());
      EdgeSiteSpec spec = new EdgeSiteSpec();
      spec.region = s.region == null || s.region.isBlank() ? null : s.region;
      spec.capacity = new Quantities(s.capacity.getCpu(), s.capacity.getMemoryBytes() / (1024 * 1024), s.capacity.getGpus());
      spec.datasets = datasets(s.datasets);
      site.setSpec(spec);
      client.resource(site).create();
      LOG.info("{}: EdgeSite created on registration", s.key());
    } else if (!s.labels.isEmpty()) {
      Map<String, String> labels = new HashMap<>(existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels());
      if (!labels.entrySet().containsAll(s.labels.entrySet())) {
        labels.putAll(s.labels);
        resource.edit(e -> {
          e.getMetadata().setLabels(labels);
          return e;
        });
      }
    }
    writeStatus(s, true);
    events.normal(ref(s), "Registered", "agent " + s.agentVersion + " registered (session " + s.sessionId + ")");
  }

  /** Writes heartbeat status, throttled unless forced (phase changes). */
  public void heartbeat(SiteSession s, boolean phaseChanged) {
    if (phaseChanged || Duration.between(s.lastStatusWrite, Instant.now()).compareTo(STATUS_EVERY) >= 0) {
      writeStatus(s, true);
    }
  }

  public void wentOffline(SiteSession s, Duration silence) {
    EdgeSiteStatus status = new EdgeSiteStatus();
    status.phase = EdgeSiteStatus.Phase.Offline;
    status.message = "no heartbeat for " + silence.toSeconds() + "s; the site is left out of rounds until it returns";
    status.lastHeartbeat = s.lastHeartbeat.toString();
    EdgeSite current = client.resources(EdgeSite.class).inNamespace(s.namespace).withName(s.site).get();
    Conditions.set(status, current == null ? null : current.getStatus(), FedmeshApi.CONDITION_READY, false, "Offline",
        status.message, current == null ? null : current.getMetadata().getGeneration());
    patcher.patch(EdgeSite.class, s.namespace, s.site, status);
    events.warning(ref(s), "SiteOffline", status.message);
    LOG.warn("{}: Offline ({})", s.key(), status.message);
  }

  /** Marks an EdgeSite Offline that has no session at all (e.g. after an operator restart). */
  public void offlineWithoutSession(EdgeSite site, Duration silence) {
    EdgeSiteStatus status = new EdgeSiteStatus();
    status.phase = EdgeSiteStatus.Phase.Offline;
    status.message = "no heartbeat for over " + silence.toSeconds() + "s";
    Conditions.set(status, site.getStatus(), FedmeshApi.CONDITION_READY, false, "Offline", status.message,
        site.getMetadata().getGeneration());
    patcher.patch(EdgeSite.class, site.getMetadata().getNamespace(), site.getMetadata().getName(), status);
    events.warning(site, "SiteOffline", status.message);
  }

  public void cameBack(SiteSession s) {
    writeStatus(s, true);
    events.normal(ref(s), "SiteReady", "heartbeats resumed; the site can join the next round");
    LOG.info("{}: back online", s.key());
  }

  private void writeStatus(SiteSession s, boolean force) {
    EdgeSiteStatus status = new EdgeSiteStatus();
    boolean degraded = s.state == SiteState.SITE_STATE_DEGRADED;
    status.phase = degraded ? EdgeSiteStatus.Phase.Degraded : EdgeSiteStatus.Phase.Ready;
    status.message = degraded ? s.message : "";
    status.lastHeartbeat = s.lastHeartbeat.toString();
    status.agentVersion = s.agentVersion;
    LinkQuality link = new LinkQuality();
    link.rttMs = round2(s.link.getRttMs());
    link.bandwidthMbps = round2(s.link.getBandwidthMbps());
    link.loss = round2(s.link.getLoss());
    status.measuredLink = link;
    status.free = new Quantities(s.free.getCpu(), s.free.getMemoryBytes() / (1024 * 1024), s.free.getGpus());
    status.datasets = datasets(s.datasets);
    EdgeSite current = client.resources(EdgeSite.class).inNamespace(s.namespace).withName(s.site).get();
    if (current == null) {
      return;
    }
    status.assignedLearners = current.getStatus() == null ? List.of() : current.getStatus().assignedLearners;
    Conditions.set(status, current.getStatus(), FedmeshApi.CONDITION_READY, !degraded,
        degraded ? "Degraded" : "HeartbeatReceived", degraded ? s.message : "agent heartbeats arrive",
        current.getMetadata().getGeneration());
    status.observedGeneration = current.getMetadata().getGeneration();
    patcher.patch(EdgeSite.class, s.namespace, s.site, status);
    s.lastStatusWrite = Instant.now();
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static List<DatasetRef> datasets(List<Dataset> reported) {
    return reported.stream().map(d -> {
      DatasetRef r = new DatasetRef();
      r.name = d.getName();
      r.samples = d.getSamples();
      r.features = d.getFeatures();
      return r;
    }).toList();
  }

  private static EdgeSite ref(SiteSession s) {
    EdgeSite e = new EdgeSite();
    e.setMetadata(new ObjectMetaBuilder().withName(s.site).withNamespace(s.namespace).build());
    return e;
  }
}
