package io.fedmesh.hpc;

import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.common.security.TransportSecurity;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.hpc.bursts.LauncherFactory;
import io.fedmesh.hpc.slurm.SlurmCluster;
import io.fedmesh.hpc.slurm.SlurmPoller;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `fedmesh bridge`: the HPC bridge on a login or gateway node. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = "Run the fedmesh HPC bridge: bursts of tasks on Slurm (or local process slots) behind a gRPC API.")
public final class BridgeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backend", defaultValue = "slurm", description = "slurm or local (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--listen", defaultValue = "0.0.0.0:7443", description = "gRPC address (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--work-dir", defaultValue = "fedmesh-bridge", description = "Journal and task outputs (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--slots", defaultValue = "4", description = "Cores the bridge schedules at once (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--partition", description = "Slurm partition (default: the cluster's default).")
  String partition;

  @Option(names = "--tls-dir", description = "Directory with tls.crt, tls.key, ca.crt (`fedmesh certs issue` writes them): mutual TLS 1.3, required unless --insecure.")
  Path tlsDir;

  @Option(names = "--insecure", description = "Run gRPC in PLAINTEXT with no peer authentication (a private test machine only; logs a warning).")
  boolean insecure;

  @Option(names = "--applications", description = "YAML allowlist of the applications bursts may run (docs/hpc.md);"
      + " without it only the built-in advection-diffusion simulation runs.")
  Path applications;

  @Option(names = "--metrics-port", defaultValue = "-1", description = "Prometheus /metrics and /healthz port, -1 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text or json: one JSON object per line with the resource it is about (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    try {
      io.fedmesh.common.logging.LogFormat.parse(logFormat).apply(java.util.Map.of("component", "hpc-bridge"));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (slots < 1) {
      throw new ParameterException(spec.commandLine(), "--slots must be at least 1");
    }
    if (!backend.equals("local") && !backend.equals("slurm")) {
      throw new ParameterException(spec.commandLine(), "--backend must be slurm or local (got " + backend + ")");
    }
    if (backend.equals("slurm") && !onPath("sbatch")) {
      throw new ParameterException(spec.commandLine(), "--backend slurm but sbatch is not on the PATH: install Slurm's client"
          + " commands (and set SLURM_CONF), or use --backend local");
    }
    if (backend.equals("slurm")) {
      // a bridge may start before slurmctld: warn, and let bursts report Slurm's own errors
      io.fedmesh.hpc.slurm.SlurmHealth.problem(Duration.ofSeconds(10))
          .ifPresent(p -> System.err.println("hpc-bridge: warning: " + p + "; bursts fail with Slurm's message until it is up"));
    }
    ApplicationAllowlist allowed = allowlist();
    TlsFiles tls = TransportSecurity.choose("hpc-bridge", tlsDir, insecure); // before anything starts: no certificate, no bridge
    CountDownLatch stop = new CountDownLatch(1);
    // one poll of squeue/sacct per tick serves every burst of this bridge
    try (SlurmPoller poller = backend.equals("slurm") ? new SlurmPoller(Duration.ofMillis(500)) : null;
        io.fedmesh.common.metrics.MetricsServer metrics = io.fedmesh.common.metrics.MetricsServer.start("0.0.0.0", metricsPort);
        HpcBridgeService service = new HpcBridgeService(workDir.toAbsolutePath(), slots, backend, launchers(poller),
            metrics.registry(), allowed).withClusterProbe(poller == null ? null : new SlurmCluster(Duration.ofSeconds(10))::describe);
        GrpcServerRunner server = GrpcServerRunner.start("hpc-bridge", HostPort.parse(listen), tls,
            List.of(service), PeerIdentity.Kind.OPERATOR)) {
      System.err.printf("hpc-bridge: %s backend, %d slots, listening on %s, journal in %s, applications %s (%s)%n", backend, slots,
          listen, workDir, allowed.names(), allowed.source());
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }

  /** The built-in simulation plus the --applications file; a bad file stops the bridge at start, naming the entry. */
  private ApplicationAllowlist allowlist() {
    SimulationLauncher simulation = new SimulationLauncher();
    if (applications == null) {
      return ApplicationAllowlist.builtIn(simulation);
    }
    try {
      return ApplicationAllowlist.load(applications, simulation);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--applications " + applications + ": " + e.getMessage());
    }
  }

  private LauncherFactory launchers(SlurmPoller poller) {
    if (poller == null) {
      return (uid, out) -> new LocalProcessLauncher(out.resolveSibling("logs"), out);
    }
    return new io.fedmesh.hpc.slurm.SlurmLaunchers(poller, partition, slots);
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (java.nio.file.Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
