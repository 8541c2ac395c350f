package io.fedmesh.operator.coordinator;

import io.fedmesh.proto.federation.v1.Dataset;
import io.fedmesh.proto.federation.v1.LinkQuality;
import io.fedmesh.proto.federation.v1.Resources;
import io.fedmesh.proto.federation.v1.SiteState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the coordinator knows of one connected site; replaced on every registration. */
public final class SiteSession {
  final String namespace;
  final String site;
  final String sessionId;
  final String agentVersion;
  final String region;
  final Map<String, String> labels;
  final Resources capacity;
  volatile Instant lastHeartbeat;
  volatile SiteState state = SiteState.SITE_STATE_READY;
  volatile String message = "";
  volatile LinkQuality link = LinkQuality.getDefaultInstance();
  volatile Resources free = Resources.getDefaultInstance();
  volatile List<Dataset> datasets;
  volatile boolean offline;
  volatile Instant lastStatusWrite = Instant.EPOCH;

  SiteSession(String namespace, String site, String sessionId, String agentVersion, String region, Map<String, String> labels,
      Resources capacity, List<Dataset> datasets) {
    this.namespace = namespace;
    this.site = site;
    this.sessionId = sessionId;
    this.agentVersion = agentVersion;
    this.region = region;
    this.labels = Map.copyOf(labels);
    this.capacity = capacity;
    this.datasets = List.copyOf(datasets);
    this.lastHeartbeat = Instant.now();
  }

  public String key() {
    return namespace + "/" + site;
  }

  public String namespace() {
    return namespace;
  }

  public String site() {
    return site;
  }

  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  public boolean offline() {
    return offline;
  }

  public SiteState state() {
    return state;
  }

  public LinkQuality link() {
    return link;
  }

  public List<Dataset> datasets() {
    return datasets;
  }

  /** Samples over all reported data sets. */
  public long samples() {
    return datasets.stream().mapToLong(Dataset::getSamples).sum();
  }

  /** Can take work: heard from recently and not degraded. */
  public boolean available() {
    return !offline && state != SiteState.SITE_STATE_DEGRADED;
  }
}
