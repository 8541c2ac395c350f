package io.fedmesh.edge;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.util.Map;

/** Settings of one edge agent. */
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
    int gpus) {}
