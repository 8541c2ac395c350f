package io.fedmesh.edge.session;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetFormat;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.health.SiteHealth;
import io.fedmesh.edge.link.LinkMonitor;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.Resources;
import java.lang.management.ManagementFactory;

/** What the site tells the coordinator: who it is when registering, and its condition in each heartbeat. */
public final class SiteReport {
  private final AgentConfig config;
  private final String agentVersion;
  private final SiteHealth health;
  private final LinkMonitor link;
  private final io.fedmesh.edge.link.ComputeMonitor compute;

  public SiteReport(AgentConfig config, String agentVersion, SiteHealth health, LinkMonitor link) {
    this(config, agentVersion, health, link, new io.fedmesh.edge.link.ComputeMonitor());
  }

  /** Also reports the compute rate {@code compute} measures. */
  public SiteReport(AgentConfig config, String agentVersion, SiteHealth health, LinkMonitor link,
      io.fedmesh.edge.link.ComputeMonitor compute) {
    this.compute = compute;
    this.config = config;
    this.agentVersion = agentVersion;
    this.health = health;
    this.link = link;
  }

  public RegisterRequest registration() {
    RegisterRequest.Builder r = RegisterRequest.newBuilder()
        .setSiteName(config.site())
        .setBootstrapToken(config.token() == null ? "" : config.token())
        .setNamespace(config.namespace() == null ? "" : config.namespace())
        .setRegion(config.region() == null ? "" : config.region())
        .putAllLabels(config.labels())
        .setCapacity(Resources.newBuilder().setCpu(config.cpu()).setMemoryBytes(config.memoryMiB() * 1024 * 1024).setGpus(config.gpus()))
        .setAgentVersion(agentVersion);
    Dataset c = health.census();
    if (c != null) {
      r.addDatasets(dataset(c, health.censusFormat()));
    }
    return r.build();
  }

  private volatile java.util.function.Supplier<java.util.List<io.fedmesh.proto.federation.v1.ServingState>> serving = java.util.List::of;

  /** What the site serves, reported with every heartbeat. */
  public void reportServing(java.util.function.Supplier<java.util.List<io.fedmesh.proto.federation.v1.ServingState>> states) {
    this.serving = states;
  }

  /** Heartbeat {@code seq} of a session: free resources, the measured link, state and data. */
  public HeartbeatRequest heartbeat(String sessionId, long seq) {
    Runtime rt = Runtime.getRuntime();
    HeartbeatRequest.Builder hb = HeartbeatRequest.newBuilder()
        .setSiteName(config.site())
        .setSessionId(sessionId)
        .setSeq(seq)
        .setSentUnixNanos(LinkMonitor.unixNanos())
        .setFree(Resources.newBuilder().setCpu(freeCpu()).setMemoryBytes(rt.maxMemory() - rt.totalMemory() + rt.freeMemory())
            .setGpus(config.gpus()))
        .setLink(link.quality())
        .setSamplesPerSecond(compute.samplesPerSecond())
        .setState(health.state())
        .setMessage(health.problem());
    Dataset c = health.census();
    if (c != null) {
      hb.addDatasets(dataset(c, health.censusFormat()));
    }
    hb.addAllServing(serving.get());
    return hb.build();
  }

  /** Declared cores minus the machine's 1-minute load (what another learner could still use). */
  private double freeCpu() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? config.cpu() : Math.max(0, config.cpu() - load);
  }

  private static io.fedmesh.proto.federation.v1.Dataset dataset(Dataset d, DatasetFormat format) {
    return io.fedmesh.proto.federation.v1.Dataset.newBuilder().setName("local").setSamples(d.rows()).setFeatures(d.features())
        .setClasses(d.classes()).setFormat(format.wireName()).build();
  }
}
