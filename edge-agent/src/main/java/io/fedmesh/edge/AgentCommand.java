package io.fedmesh.edge;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.security.TransportSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `fedmesh agent`: the edge agent of one site. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Run the fedmesh edge agent of one site: dials out to the coordinator, heartbeats, trains locally with DJL.")
public final class AgentCommand implements Callable<Integer> {
  private static final Pattern DNS1123 = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  @Spec CommandSpec spec;

  @Option(names = "--coordinator", required = true, description = "Coordinator address HOST:PORT (the operator's gRPC port).")
  String coordinator;

  @Option(names = "--site", required = true, description = "Site name (the EdgeSite; lowercase letters, digits, '-').")
  String site;

  @Option(names = "--data", required = true, description = "The site's data directory, its format detected: CSV files (header row,"
      + " numeric features, a label column), MNIST IDX pairs (*-images-idx3-ubyte[.gz] + *-labels-idx1-ubyte[.gz]) or an image"
      + " folder (one subfolder of PNG/JPEG images per class); or a single CSV file (an evaluator site's test.csv).")
  Path data;

  @Option(names = "--label-column", defaultValue = "label", description = "Name of the label column (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(names = "--namespace", defaultValue = "", description = "Namespace of the EdgeSite (default: the coordinator's).")
  String namespace;

  @Option(names = "--token", description = "Bootstrap token (prefer --token-file).")
  String token;

  @Option(names = "--token-file", description = "File holding the bootstrap token.")
  Path tokenFile;

  @Option(names = "--region", description = "Region label of the site, e.g. eu-west-1.")
  String region;

  @Option(names = "--label", description = "Label for the EdgeSite, key=value (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--work-dir", description = "Where the durable outbox lives (default: ./fedmesh-agent-<site>).")
  Path workDir;

  @Option(names = "--tls-dir", description = "Directory with tls.crt, tls.key, ca.crt (`fedmesh certs issue` writes them): mutual TLS 1.3, required unless --insecure.")
  Path tlsDir;

  @Option(names = "--insecure", description = "Run gRPC in PLAINTEXT with no peer authentication (a private test machine only; logs a warning).")
  boolean insecure;

  @Option(names = "--metrics-port", defaultValue = "-1", description = "Prometheus /metrics port, -1 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--serve-port", defaultValue = "-1",
      description = {"Serve the models this site is selected for (DistributedModel spec.serving.siteSelector) over the Open",
          "Inference Protocol on this port (HTTPS with mutual TLS; HTTP with --insecure); 0 a free one, -1 none (default: ${DEFAULT-VALUE})."})
  int servePort;

  @Option(names = "--cpu", description = "Declared CPU capacity (default: the machine's cores).")
  Double cpu;

  @Option(names = "--memory-mib", description = "Declared memory capacity in MiB (default: the JVM's maximum heap).")
  Long memoryMiB;

  @Option(names = "--gpus", description = "Declared GPUs (default: the NVIDIA devices of this machine).")
  Integer gpus;

  @Option(names = "--simulation-learner",
      description = {"Run as the cloud-side learner of HPC simulation samples: train on the samples a FederatedTraining",
          "gathers from its SimulationBursts (fetched from the coordinator into --data), not on local files.",
          "Labels the EdgeSite fedmesh.io/role=simulation-learner."})
  boolean simulationLearner;

  @Option(names = "--compute-slowdown", defaultValue = "1", paramLabel = "F",
      description = {"Emulate a site F times slower (1-" + io.fedmesh.edge.training.ComputeSlowdown.MAX_FACTOR + "; default 1):"
          + " each round's local training runs F times over and only the first result is sent, real CPU work, no sleeping."
          + " For WAN scenarios on one machine."})
  int computeSlowdown;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text or json: one JSON object per line with the resource it is about (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    try {
      io.fedmesh.common.logging.LogFormat.parse(logFormat).apply(Map.of("component", "agent", "site", site));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!DNS1123.matcher(site).matches() || site.length() > 63) {
      throw new ParameterException(spec.commandLine(), "--site '" + site
          + "' is not a valid name: use lowercase letters, digits and '-', at most 63 characters (e.g. site-0)");
    }
    if (simulationLearner) {
      if (Files.isRegularFile(data)) {
        throw new ParameterException(spec.commandLine(), "--data " + data + " is a file, but a --simulation-learner keeps"
            + " the samples it fetches in a directory: point --data at one");
      }
      Files.createDirectories(data); // its cache of fetched simulation samples
    }
    if (!Files.exists(data)) {
      throw new ParameterException(spec.commandLine(), "--data " + data + " does not exist: point it at a directory of data"
          + " files or a single CSV file");
    }
    if (!Files.isDirectory(data) && !Files.isRegularFile(data)) {
      throw new ParameterException(spec.commandLine(), "--data " + data + " is neither a directory nor a file: point it at a"
          + " directory of data files or a single CSV file");
    }
    if (Files.isRegularFile(data) && !data.getFileName().toString().endsWith(".csv")) {
      // the one file format read from a single file (Datasets.detect): IDX and images come in directories
      throw new ParameterException(spec.commandLine(), "--data " + data + " is a file but not a .csv file: give a CSV file,"
          + " or a directory for IDX pairs or an image folder");
    }
    HostPort endpoint;
    try {
      endpoint = HostPort.parse(coordinator);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--coordinator: " + e.getMessage());
    }
    if (token != null && tokenFile != null) {
      throw new ParameterException(spec.commandLine(), "--token and --token-file both given: pass only one (prefer --token-file)");
    }
    if (servePort < -1 || servePort > 65535) {
      throw new ParameterException(spec.commandLine(), "--serve-port " + servePort + " is not a port: use 1-65535, 0 for a free one or -1 for none");
    }
    if ((cpu != null && cpu <= 0) || (memoryMiB != null && memoryMiB <= 0) || (gpus != null && gpus < 0)) {
      throw new ParameterException(spec.commandLine(), "--cpu and --memory-mib must be > 0 and --gpus >= 0");
    }
    if (tokenFile != null && !Files.isReadable(tokenFile)) {
      throw new ParameterException(spec.commandLine(), "--token-file " + tokenFile + " cannot be read: check the path and permissions");
    }
    String secret = tokenFile != null ? Files.readString(tokenFile).trim() : token;
    Runtime rt = Runtime.getRuntime();
    if (simulationLearner) {
      labels = new java.util.LinkedHashMap<>(labels);
      labels.put(EdgeAgent.LABEL_ROLE, EdgeAgent.ROLE_SIMULATION_LEARNER);
    }
    AgentConfig config = new AgentConfig(endpoint, site, namespace, data, labelColumn, secret, region, labels,
        workDir != null ? workDir : Path.of("fedmesh-agent-" + site), TransportSecurity.choose("edge-agent", tlsDir, insecure), metricsPort,
        cpu != null ? cpu : rt.availableProcessors(), memoryMiB != null ? memoryMiB : rt.maxMemory() / (1024 * 1024),
        gpus != null ? gpus : machineGpus(), servePort);
    io.fedmesh.edge.training.ComputeSlowdown slowdown;
    try {
      slowdown = new io.fedmesh.edge.training.ComputeSlowdown(computeSlowdown);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    EdgeAgent agent = new EdgeAgent(config, slowdown).start();
    // SIGTERM runs the hooks and then halts: the agent must be closed inside the hook itself
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "agent-shutdown"));
    stopped.await();
    return 0;
  }

  /** NVIDIA devices present (/dev/nvidia0, /dev/nvidia1, ...), without loading a GPU library. */
  static int machineGpus() {
    try (Stream<Path> dev = Files.list(Path.of("/dev"))) {
      return (int) dev.filter(p -> p.getFileName().toString().matches("nvidia[0-9]+")).count();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
