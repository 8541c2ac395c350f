package io.fedmesh.operator.coordinator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fedmesh.api.v1alpha1.DatasetRef;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.LinkQuality;
import io.fedmesh.api.v1alpha1.Quantities;
import io.fedmesh.operator.sites.ResourceCache;
import io.fedmesh.operator.sites.SiteFacts;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.proto.federation.v1.Dataset;
import io.fedmesh.proto.federation.v1.SiteState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors what agents report into EdgeSite resources: creates the EdgeSite on first registration,
 * merges labels, and hands heartbeat and liveness facts to the EdgeSite status owner
 * ({@link SiteStatusWriter}), which writes them off the gRPC thread.
 */
public final class EdgeSiteMirror {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeSiteMirror.class);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final SiteStatusWriter status;
  private final Function<String, Optional<EdgeSite>> cache;

  public EdgeSiteMirror(KubernetesClient client, EventRecorder events, SiteStatusWriter status,
      Function<String, Optional<EdgeSite>> cache) {
    this.client = client;
    this.events = events;
    this.status = status;
    this.cache = cache;
  }

  /** Creates or updates the EdgeSite of a registering agent. */
  public void registered(SiteSession s) {
    var resource = client.resources(EdgeSite.class).inNamespace(s.namespace).withName(s.site);
    EdgeSite existing = cache.apply(s.key()).orElseGet(resource::get);
    if (existing == null) {
      EdgeSite site = new EdgeSite();
      site.setMetadata(new ObjectMetaBuilder().withName(s.site).withNamespace(s.namespace).withLabels(s.labels).build());
      EdgeSiteSpec spec = new EdgeSiteSpec();
      spec.region = s.region == null || s.region.isBlank() ? null : s.region;
      spec.capacity = new Quantities(s.capacity.getCpu(), s.capacity.getMemoryBytes() / (1024 * 1024), s.capacity.getGpus());
      spec.datasets = datasets(s.datasets);
      site.setSpec(spec);
      try {
        client.resource(site).create();
        LOG.info("{}: EdgeSite created on registration", s.key());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
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
    // the event first: whoever sees the status change can already find why
    events.normal(ref(s), "Registered", "agent " + s.agentVersion + " registered (session " + s.sessionId + ")");
    status.report(s.key(), f -> f.withHeartbeat(facts(s)));
  }

  /** Hands a heartbeat's facts to the status owner (it decides when to write: a phase change at once). */
  public void heartbeat(SiteSession s) {
    status.report(s.key(), f -> f.withHeartbeat(facts(s)));
  }

  public void wentOffline(SiteSession s, Duration silence) {
    String message = "no heartbeat for " + silence.toSeconds() + "s; the site is left out of rounds until it returns";
    events.warning(ref(s), "SiteOffline", message);
    status.report(s.key(), f -> f.withOffline(new SiteFacts.Offline(s.lastHeartbeat, silence.toSeconds(), false)));
    LOG.warn("{}: Offline ({})", s.key(), message);
  }

  /** Marks an EdgeSite Offline that has no session at all (e.g. after an operator restart). */
  public void offlineWithoutSession(EdgeSite site, Duration silence) {
    events.warning(site, "SiteOffline", "no heartbeat for over " + silence.toSeconds() + "s");
    status.report(ResourceCache.key(site), f -> f.withOffline(new SiteFacts.Offline(null, silence.toSeconds(), true)));
  }

  public void cameBack(SiteSession s) {
    events.normal(ref(s), "SiteReady", "heartbeats resumed; the site can join the next round");
    status.report(s.key(), f -> f.withHeartbeat(facts(s)));
    LOG.info("{}: back online", s.key());
  }

  /** The site's reliability history changed (a round closed). */
  public void reliability(String siteKey, long completed, long missed) {
    status.report(siteKey, f -> f.withReliability(completed, missed));
  }

  /** The site's new round-time forecast (a round of it was observed). */
  public void forecast(String siteKey, io.fedmesh.api.v1alpha1.RoundForecast forecast) {
    status.report(siteKey, f -> f.withForecast(forecast));
  }

  /** The trainings a site currently learns for (status.assignedLearners). */
  public void assigned(String siteKey, List<String> trainings) {
    status.report(siteKey, f -> f.withAssigned(trainings));
  }

  private static SiteFacts.Heartbeat facts(SiteSession s) {
    LinkQuality link = new LinkQuality();
    link.rttMs = round2(s.link.getRttMs());
    link.bandwidthMbps = round2(s.link.getBandwidthMbps());
    link.loss = round2(s.link.getLoss());
    return new SiteFacts.Heartbeat(s.lastHeartbeat, s.state == SiteState.SITE_STATE_DEGRADED, s.message, s.agentVersion, link,
        new Quantities(s.free.getCpu(), s.free.getMemoryBytes() / (1024 * 1024), s.free.getGpus()), datasets(s.datasets));
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
      r.format = d.getFormat().isEmpty() ? "csv" : d.getFormat(); // older agents report no format: theirs is CSV
      return r;
    }).toList();
  }

  private static EdgeSite ref(SiteSession s) {
    EdgeSite e = new EdgeSite();
    e.setMetadata(new ObjectMetaBuilder().withName(s.site).withNamespace(s.namespace).build());
    return e;
  }
}
