package io.fedmesh.mesh;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.HpcClusterSpec;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.ApplicationTemplate;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.hpc.bursts.LauncherFactory;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.hpc.slurm.SlurmPoller;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.mesh.report.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HPC side of `./fedmesh local --hpc local|slurm`: an hpc-bridge on loopback (local process
 * slots, or the Slurm of $SLURM_CONF), an HpcCluster pointing at it and a SimulationBurst whose
 * samples the operator fetches into its checkpoint volume, where a cloud-side learner reads them.
 */
final class LocalHpc implements AutoCloseable {
  static final String CLUSTER = "local-hpc";
  static final int TASKS = 8;

  private final HpcBridgeService service;
  private final GrpcServerRunner server;
  private final String mode;

  private final SlurmPoller poller;

  private final io.fedmesh.common.metrics.MetricsServer metrics;

  private LocalHpc(HpcBridgeService service, GrpcServerRunner server, String mode, SlurmPoller poller,
      io.fedmesh.common.metrics.MetricsServer metrics) {
    this.metrics = metrics;
    this.service = service;
    this.server = server;
    this.mode = mode;
    this.poller = poller;
  }

  /** Why the backend cannot run here (Slurm not configured or not answering); empty when it can. */
  static java.util.Optional<String> problem(String mode) {
    if (!mode.equals("slurm")) {
      return java.util.Optional.empty();
    }
    if (System.getenv("SLURM_CONF") == null) {
      return java.util.Optional.ofNullable(PrivateSlurm.problem()); // the mesh starts its own when it can
    }
    return io.fedmesh.hpc.slurm.SlurmHealth.problem(Duration.ofSeconds(10)).map(down -> "--hpc slurm: " + down
        + "; start it with 'bash hpc-bridge/scripts/slurm-up.sh /tmp/slurm && . /tmp/slurm/env', or use --hpc local");
  }

  /** Starts the bridge; call {@link #problem} first. */
  /** @param tls the bridge's certificate (only the operator may call it); null for plaintext */
  static LocalHpc start(String mode, Path out, io.fedmesh.common.grpc.TlsFiles tls) {
    LauncherFactory launchers;
    SlurmPoller poller = null;
    if (mode.equals("slurm")) {
      SlurmPoller shared = new SlurmPoller(Duration.ofMillis(300));
      poller = shared;
      launchers = new io.fedmesh.hpc.slurm.SlurmLaunchers(shared, null, 4); // batch jobs, or a pilot for execution: pilot
    } else {
      launchers = (uid, o) -> new LocalProcessLauncher(o.resolveSibling("logs"), o);
    }
    // the bridge's own /metrics on a free loopback port, as `fedmesh bridge --metrics-port` serves it
    var metrics = io.fedmesh.common.metrics.MetricsServer.start("127.0.0.1", 0);
    ApplicationAllowlist applications = ApplicationAllowlist.builtIn(new SimulationLauncher()).with(blobsSampler());
    HpcBridgeService service = new HpcBridgeService(out.resolve("bridge"), mode.equals("slurm") ? 4 : 2, mode, launchers,
        metrics.registry(), applications)
        .withClusterProbe(poller == null ? null : new io.fedmesh.hpc.slurm.SlurmCluster(Duration.ofSeconds(10))::describe);
    GrpcServerRunner server = GrpcServerRunner.start("hpc-bridge", new HostPort("127.0.0.1", 0), tls, List.of(service),
        io.fedmesh.common.security.PeerIdentity.Kind.OPERATOR);
    return new LocalHpc(service, server, mode, poller, metrics);
  }

  int port() {
    return server.port();
  }

  /** The port of the bridge's /metrics. */
  int metricsPort() {
    return metrics.port();
  }

  /** Applies the HpcCluster, the namespace's default, as kubectl would: the operator probes the bridge behind it. */
  void applyCluster(KubernetesClient client, String namespace) {
    HpcCluster cluster = new HpcCluster();
    // the namespace's default cluster: a burst applied without clusterRef (examples/simulationburst.yaml) runs here
    cluster.setMetadata(new ObjectMetaBuilder().withName(CLUSTER).withNamespace(namespace)
        .addToAnnotations(io.fedmesh.api.v1alpha1.FedmeshApi.ANNOTATION_DEFAULT_CLUSTER, "true").build());
    cluster.setSpec(new HpcClusterSpec());
    cluster.getSpec().scheduler = mode.equals("slurm") ? HpcClusterSpec.Scheduler.SLURM : HpcClusterSpec.Scheduler.LOCAL;
    cluster.getSpec().bridge = new HpcClusterSpec.Bridge();
    cluster.getSpec().bridge.endpoint = "127.0.0.1:" + port();
    client.resource(cluster).create();
  }

  /** The local bridge's one application besides the built-in: the blobs sampler on this JVM's class path. */
  static final String BLOBS_SAMPLER = "blobs-sampler";

  static ApplicationTemplate blobsSampler() {
    Path javaBin = Path.of(io.fedmesh.common.process.JavaBinary.path()).toAbsolutePath().normalize();
    return new ApplicationTemplate(BLOBS_SAMPLER, javaBin, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "io.fedmesh.mesh.data.SampleTask", "--seed", "{seed}", "--task", "{taskIndex}",
        "--out", "{output}"), Map.of(), 0);
  }

  /**
   * The burst the FederatedTraining's adaptive simulation requests: for the plume problem the
   * built-in reference simulation over the whole parameter range (2 MPI ranks per task on Slurm),
   * otherwise the local bridge's allowlisted blobs sampler.
   */
  static SimulationBurstSpec burstTemplate(String mode, long seed, boolean plume) {
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = TASKS;
    s.ranksPerTask = 1;
    s.mode = SimulationBurstSpec.Mode.ASYNC;
    if (plume) {
      s.ranksPerTask = mode.equals("slurm") ? 2 : 1;
      s.application.type = SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION;
      s.application.grid = PlumeData.GRID;
      s.application.samplesPerTask = 150;
      s.sweep = PlumeData.SWEEP.entrySet().stream().map(e -> {
        SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
        p.name = e.getKey();
        p.min = e.getValue()[0];
        p.max = e.getValue()[1];
        return p;
      }).toList();
    } else {
      s.application.type = SimulationBurstSpec.Application.Type.APPLICATION;
      s.application.name = BLOBS_SAMPLER;
      s.application.params = Map.of("seed", Long.toString(seed));
    }
    return s;
  }

  static List<RunSummary.Burst> summaries(KubernetesClient client, String namespace) {
    // where each training placed its bursts (status.burstPlacements), by burst name
    Map<String, io.fedmesh.api.v1alpha1.FederatedTrainingStatus.BurstPlacement> placed = new java.util.HashMap<>();
    client.resources(io.fedmesh.api.v1alpha1.FederatedTraining.class).inNamespace(namespace).list().getItems().stream()
        .filter(t -> t.getStatus() != null && t.getStatus().burstPlacements != null)
        .forEach(t -> t.getStatus().burstPlacements.forEach(p -> placed.put(p.burst, p)));
    return client.resources(SimulationBurst.class).inNamespace(namespace).list().getItems().stream().map(b -> {
      SimulationBurstStatus st = b.getStatus() == null ? new SimulationBurstStatus() : b.getStatus();
      var p = placed.get(b.getMetadata().getName());
      return new RunSummary.Burst(b.getMetadata().getName(), st.total == null ? b.getSpec().tasks : st.total,
          st.succeeded == null ? 0 : st.succeeded, st.failed == null ? 0 : st.failed,
          st.makespanSeconds == null ? 0 : st.makespanSeconds, st.utilization == null ? 0 : st.utilization,
          b.getSpec().mode == SimulationBurstSpec.Mode.BARRIER ? "barrier" : "async",
          st.phase == null ? "Pending" : st.phase.name(), st.producedSamples == null ? 0 : st.producedSamples,
          p == null ? null : p.region, p == null ? null : p.score, p == null ? null : p.reason);
    }).toList();
  }

  /** Start and end (seconds from the burst's start) of each task that ran, by task name. */
  java.util.Map<String, double[]> timeline(KubernetesClient client, String namespace) {
    java.util.Map<String, double[]> spans = new java.util.TreeMap<>();
    SimulationBurst b = client.resources(SimulationBurst.class).inNamespace(namespace).list().getItems().stream().findFirst()
        .orElse(null);
    var st = b == null ? null : service.describe(b.getMetadata().getUid());
    if (st == null) {
      return spans;
    }
    for (var e : st.getTasksList()) {
      if (e.getStartedUnixMs() > 0 && e.getFinishedUnixMs() > 0) {
        // Unix seconds: the report draws them on the rounds' axis
        spans.put(e.getTask(), new double[] {e.getStartedUnixMs() / 1000.0, e.getFinishedUnixMs() / 1000.0});
      }
    }
    return spans;
  }

  @Override
  public void close() {
    server.close();
    service.close();
    if (poller != null) {
      poller.close();
    }
    metrics.close();
  }
}
