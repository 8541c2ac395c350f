package io.fedmesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.security.TransportSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `fedmesh operator`: runs the operator against the cluster of the current kubeconfig or service account. */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Run the fedmesh operator: reconcilers, the federation coordinator (gRPC) and /metrics.")
public final class OperatorCommand implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "0.0.0.0:7070", description = "Coordinator gRPC address agents dial (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--checkpoint-dir", defaultValue = "/var/lib/fedmesh", description = "Where global models are checkpointed (default: ${DEFAULT-VALUE}).")
  Path checkpointDir;

  @Option(names = "--models-dir", defaultValue = "/var/lib/fedmesh/models", description = "Where the TorchScript files of torchscript"
      + " DistributedModels are (spec.architecture.torchscript.file is relative to it; default: ${DEFAULT-VALUE}).")
  Path modelsDir;

  @Option(names = "--namespace", description = "Watch only this namespace (default: all namespaces); also where sites register by default.")
  String namespace;

  @Option(names = "--heartbeat-interval", defaultValue = "PT2S", converter = DurationConverter.class,
      description = "Heartbeat interval asked of agents, e.g. 2s (default: 2s).")
  Duration heartbeatInterval;

  @Option(names = "--heartbeat-timeout", defaultValue = "PT15S", converter = DurationConverter.class,
      description = "Silence after which a site is Offline, e.g. 15s (default: 15s).")
  Duration heartbeatTimeout;

  @Option(names = "--bootstrap-token-file", description = "File holding the token agents must present to register.")
  Path tokenFile;

  @Option(names = "--tls-dir", description = "Directory with tls.crt, tls.key, ca.crt (`fedmesh certs issue` writes them): mutual TLS 1.3, required unless --insecure.")
  Path tlsDir;

  @Option(names = "--insecure", description = "Run gRPC in PLAINTEXT with no peer authentication (a private test machine only; logs a warning).")
  boolean insecure;

  @Option(names = "--metrics-port", defaultValue = "9090", description = "Prometheus /metrics and /healthz port, -1 to disable (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--no-leader-election", description = "Disable leader election (only with a single replica).")
  boolean noLeaderElection;

  @Option(names = "--memory-budget", converter = ByteSizeConverter.class,
      description = "Memory a training's rounds may hold (updates, model, aggregation), e.g. 2g or 512m; trainings that need more are"
          + " refused with a condition (default: half the JVM's maximum heap).")
  Long memoryBudget;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text or json: one JSON object per line with the resource it is about (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    try {
      io.fedmesh.common.logging.LogFormat.parse(logFormat).apply(java.util.Map.of("component", "operator"));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    String token = tokenFile == null ? null : Files.readString(tokenFile).trim();
    KubernetesClient client = new KubernetesClientBuilder().build();
    String ns = namespace != null ? namespace : client.getNamespace() == null ? "default" : client.getNamespace();
    OperatorConfig config = new OperatorConfig(ns, namespace == null, HostPort.parse(listen), checkpointDir, heartbeatInterval,
        heartbeatTimeout, token, TransportSecurity.choose("operator", tlsDir, insecure), metricsPort, !noLeaderElection,
        memoryBudget != null ? memoryBudget : io.fedmesh.operator.validation.MemoryBudget.defaultBytes(), modelsDir);
    CountDownLatch stop = new CountDownLatch(1);
    try (FedmeshOperator operator = FedmeshOperator.start(client, config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }

  /** Accepts bytes (1048576) or a size with k, m, g (1024-based): 512m, 2g. */
  public static final class ByteSizeConverter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT).replaceFirst("i?b$", "");
      int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
      try {
        long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
          throw new NumberFormatException();
        }
        return n << shift;
      } catch (NumberFormatException e) {
        throw new picocli.CommandLine.TypeConversionException("--memory-budget '" + value + "' is not a positive size: use e.g. 512m or 2g");
      }
    }
  }

  /** Accepts 500ms, 15s, 2m or ISO-8601 (PT15S). */
  public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase();
      try {
        if (v.startsWith("pt") || v.startsWith("p")) {
          return Duration.parse(value.toUpperCase());
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
          return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
          return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (RuntimeException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms, 15s, 2m");
      }
    }
  }
}
