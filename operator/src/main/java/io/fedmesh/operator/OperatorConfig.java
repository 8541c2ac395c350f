package io.fedmesh.operator;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one operator process.
 *
 * @param namespace namespace the local mesh works in and where registering sites land by default
 * @param watchAllNamespaces true in a real cluster: reconcile fedmesh resources in every namespace
 * @param coordinatorListen where edge agents dial in (port 0 picks a free port)
 * @param checkpointDir where global models are checkpointed
 * @param heartbeatInterval how often agents should send heartbeats
 * @param heartbeatTimeout silence after which a site is marked Offline
 * @param bootstrapToken shared secret agents must present when registering (null: open)
 * @param tls mutual TLS files for the coordinator (null: plaintext)
 * @param metricsPort Prometheus endpoint port (-1: off)
 * @param leaderElection run JOSDK leader election on a Lease (real deployments with replicas)
 * @param memoryBudgetBytes memory a training's rounds may hold (updates, model, aggregation); trainings that need more are refused
 * @param modelsDir where the TorchScript files that torchscript models name live (null: none, such models are refused)
 */
public record OperatorConfig(
    String namespace,
    boolean watchAllNamespaces,
    HostPort coordinatorListen,
    Path checkpointDir,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    String bootstrapToken,
    TlsFiles tls,
    int metricsPort,
    boolean leaderElection,
    long memoryBudgetBytes,
    Path modelsDir) {

  /** Settings with the default memory budget (half the JVM's maximum heap). */
  public OperatorConfig(String namespace, boolean watchAllNamespaces, HostPort coordinatorListen, Path checkpointDir,
      Duration heartbeatInterval, Duration heartbeatTimeout, String bootstrapToken, TlsFiles tls, int metricsPort, boolean leaderElection) {
    this(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval, heartbeatTimeout, bootstrapToken, tls,
        metricsPort, leaderElection, io.fedmesh.operator.validation.MemoryBudget.defaultBytes(), null);
  }

  /** Defaults of the local mesh and tests: one namespace, ephemeral port, no TLS, no leader election. */
  public static OperatorConfig local(Path checkpointDir) {
    return new OperatorConfig("default", false, new HostPort("127.0.0.1", 0), checkpointDir,
        Duration.ofSeconds(1), Duration.ofSeconds(10), null, null, -1, false);
  }

  /** @param tls the operator's certificate (coordinator server, bridge client); null for plaintext */
  public OperatorConfig withTls(TlsFiles tls) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval, heartbeatTimeout,
        bootstrapToken, tls, metricsPort, leaderElection, memoryBudgetBytes, modelsDir);
  }

  public OperatorConfig withHeartbeatTimeout(Duration timeout) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval, timeout,
        bootstrapToken, tls, metricsPort, leaderElection, memoryBudgetBytes, modelsDir);
  }

  /** @param port of /metrics: 0 for a free one (see {@link FedmeshOperator#metricsPort}), -1 for none */
  public OperatorConfig withMetricsPort(int port) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval, heartbeatTimeout,
        bootstrapToken, tls, port, leaderElection, memoryBudgetBytes, modelsDir);
  }

  public OperatorConfig withBootstrapToken(String token) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval,
        heartbeatTimeout, token, tls, metricsPort, leaderElection, memoryBudgetBytes, modelsDir);
  }

  /** @param dir the models volume: torchscript models name files relative to it */
  public OperatorConfig withModelsDir(Path dir) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval,
        heartbeatTimeout, bootstrapToken, tls, metricsPort, leaderElection, memoryBudgetBytes, dir);
  }

  public OperatorConfig withMemoryBudget(long bytes) {
    return new OperatorConfig(namespace, watchAllNamespaces, coordinatorListen, checkpointDir, heartbeatInterval,
        heartbeatTimeout, bootstrapToken, tls, metricsPort, leaderElection, bytes, modelsDir);
  }
}
