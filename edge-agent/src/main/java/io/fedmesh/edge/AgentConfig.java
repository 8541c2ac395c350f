package io.fedmesh.edge;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of one edge agent.
 *
 * @param servePort the Open Inference Protocol port (0: a free one), -1 to serve nothing
 */
public record AgentConfig(
    HostPort coordinator,
    String site,
    String namespace,
    Path dataDir,
    String labelColumn,
    String token,
    String region,
    Map<String, String> labels,
    Path workDir,
    TlsFiles tls,
    int metricsPort,
    double cpu,
    long memoryMiB,
    int gpus,
    int servePort) {

  /** An agent that serves nothing. */
  public AgentConfig(HostPort coordinator, String site, String namespace, Path dataDir, String labelColumn, String token, String region,
      Map<String, String> labels, Path workDir, TlsFiles tls, int metricsPort, double cpu, long memoryMiB, int gpus) {
    this(coordinator, site, namespace, dataDir, labelColumn, token, region, labels, workDir, tls, metricsPort, cpu, memoryMiB, gpus, -1);
  }

  public AgentConfig withServePort(int port) {
    return new AgentConfig(coordinator, site, namespace, dataDir, labelColumn, token, region, labels, workDir, tls, metricsPort, cpu,
        memoryMiB, gpus, port);
  }
}
