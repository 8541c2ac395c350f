package io.fedmesh.operator.hpc;

import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.DataChunk;
import io.fedmesh.proto.hpc.v1.DescribeClusterRequest;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.SubmitBurstResponse;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Calls to hpc-bridges, one channel and one Resilience4j guard per endpoint, a deadline on every
 * call. Submit is retried on transient errors because the bridge makes it idempotent on the uid.
 */
public final class BridgeClient implements AutoCloseable {
  private record Endpoint(ManagedChannel channel, CallGuard guard) {}

  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  /** The operator's own certificate, which the bridges know it by; null on a plaintext (--insecure) mesh. */
  private final TlsFiles tls;

  public BridgeClient(TlsFiles tls) {
    this.tls = tls;
  }

  private Endpoint endpoint(String hostPort) {
    return endpoints.computeIfAbsent(hostPort, hp -> new Endpoint(
        MutualTls.channel(HostPort.parse(hp).toString(), tls).build(),
        new CallGuard("hpc-bridge " + hp, 3, java.time.Duration.ofMillis(200))));
  }

  private HpcBridgeGrpc.HpcBridgeBlockingStub stub(String hostPort, int timeoutSeconds) {
    return HpcBridgeGrpc.newBlockingStub(endpoint(hostPort).channel()).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
  }

  public ClusterInfo describe(String hostPort, int timeoutSeconds) {
    return endpoint(hostPort).guard().idempotent(() -> stub(hostPort, timeoutSeconds).describeCluster(DescribeClusterRequest.getDefaultInstance()));
  }

  public SubmitBurstResponse submit(String hostPort, int timeoutSeconds, SubmitBurstRequest request) {
    return endpoint(hostPort).guard().idempotent(() -> stub(hostPort, timeoutSeconds).submit(request));
  }

  public BurstStatus get(String hostPort, int timeoutSeconds, String uid) {
    return endpoint(hostPort).guard().idempotent(() -> stub(hostPort, timeoutSeconds).get(GetBurstRequest.newBuilder().setBurstUid(uid).build()));
  }

  /** Cancels a burst's unfinished tasks (idempotent on the bridge); returns how many there were. */
  public int cancel(String hostPort, int timeoutSeconds, String uid) {
    return endpoint(hostPort).guard().idempotent(() -> stub(hostPort, timeoutSeconds)
        .cancel(io.fedmesh.proto.hpc.v1.CancelBurstRequest.newBuilder().setBurstUid(uid).build()).getCancelled());
  }

  /** The burst's produced CSV and its sample count. */
  public record Data(byte[] csv, long samples) {}

  public Data fetch(String hostPort, int timeoutSeconds, String uid) {
    return endpoint(hostPort).guard().idempotent(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long[] samples = {0};
      stub(hostPort, Math.max(timeoutSeconds, io.fedmesh.api.v1alpha1.TrainingDefaults.BRIDGE_FETCH_TIMEOUT_SECONDS)).fetchData(FetchDataRequest.newBuilder().setBurstUid(uid).build())
          .forEachRemaining((DataChunk c) -> {
            out.writeBytes(c.getData().toByteArray());
            samples[0] = c.getSamples();
          });
      return new Data(out.toByteArray(), samples[0]);
    });
  }

  @Override
  public void close() {
    endpoints.values().forEach(e -> e.channel().shutdownNow());
  }
}
