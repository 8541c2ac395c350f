package io.fedmesh.edge.client;

import com.google.protobuf.ByteString;
import io.fedmesh.common.grpc.ChunkPump;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.EvaluationReport;
import io.fedmesh.proto.federation.v1.EvaluationReportResponse;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelSpec;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls to the coordinator, each with a deadline and through Resilience4j: register, download,
 * upload and evaluation reports are retried on transient errors (upload is safe to repeat thanks to
 * its idempotency key, a report because the coordinator takes a resend as harmless).
 */
public final class CoordinatorClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private final CoordinatorGrpc.CoordinatorStub async;
  private final CallGuard guard;
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  /** The session of the last registration; uploads carry it. */
  private volatile String sessionId = "";

  private final ResumableStream stream;
  private final ModelDownloads models;

  public CoordinatorClient(AgentConfig config) {
    this.channel = MutualTls.channel(config.coordinator().toString(), config.tls())
        .maxInboundMessageSize(16 * 1024 * 1024)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
    this.blocking = CoordinatorGrpc.newBlockingStub(channel);
    this.async = CoordinatorGrpc.newStub(channel);
    this.guard = CallGuard.forDestination("coordinator " + config.coordinator());
    this.stream = new ResumableStream(guard, bytesReceived);
    java.nio.file.Path scripts = config.workDir() == null ? null : config.workDir().resolve("torchscript");
    this.models = new ModelDownloads(blocking, stream, new ScriptFiles(scripts, blocking, stream), bytesReceived);
  }

  public RegisterResponse register(RegisterRequest request) {
    RegisterResponse response = guard.idempotent(() -> blocking.withDeadlineAfter(15, TimeUnit.SECONDS).register(request));
    sessionId = response.getSessionId();
    return response;
  }

  /** Opens the heartbeat stream; acks go to {@code acks}. */
  public StreamObserver<HeartbeatRequest> heartbeats(StreamObserver<HeartbeatResponse> acks) {
    return async.heartbeat(acks);
  }

  /**
   * A downloaded model: spec plus little-endian float32 bytes.
   *
   * @param reused the coordinator confirmed the bytes this agent already held: nothing crossed the link, so
   *     {@code seconds} is no throughput sample
   * @param wireBytes what crossed the link for it: the model, a patch of a held version, or nothing
   */
  public record Downloaded(ModelSpec spec, byte[] f32, double seconds, boolean reused, long wireBytes) {}

  /** A model version, sent as few times as it can be ({@link ModelDownloads}). */
  public Downloaded download(String training, String version, String site) {
    return models.download(training, version, site);
  }

  /**
   * Downloads a training's simulation samples (CSV) for a simulation learner; resumes from what
   * it has on a broken stream, like the model download.
   */
  public byte[] fetchSimulationData(String training, String version, String site) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    stream.read("simulation data " + version, buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).fetchSimulationData(
            io.fedmesh.proto.federation.v1.FetchSimulationDataRequest.newBuilder().setTraining(training)
                .setDataVersion(version).setSiteName(site).setOffset(offset).build()),
        (io.fedmesh.proto.federation.v1.SimulationDataChunk c) -> new ResumableStream.Piece(c.getOffset(), c.getTotalBytes(), c.getData(),
            c.getLast()));
    return buffer.toByteArray();
  }

  /** Reports an evaluate-only assignment's result; retried on transient errors (a resend is harmless). */
  public EvaluationReportResponse reportEvaluation(EvaluationReport report) {
    return guard.idempotent(() -> blocking.withDeadlineAfter(15, TimeUnit.SECONDS).reportEvaluation(report));
  }

  /** Uploads an encoded update in chunks; retried on transient errors (the coordinator dedups by key). */
  public UploadUpdateResponse upload(UpdateHeader header, byte[] data) {
    // the session is the one held at sending time: an update left in the outbox by an earlier session goes under the new one
    UpdateHeader current = header.toBuilder().setSessionId(sessionId).build();
    return guard.idempotent(() -> uploadOnce(current, data));
  }

  private UploadUpdateResponse uploadOnce(UpdateHeader header, byte[] data) {
    CompletableFuture<UploadUpdateResponse> result = new CompletableFuture<>();
    long deadlineSeconds = 60 + data.length / (1 << 20);
    ChunkPump.Chunk<UpdateChunk> chunk = (offset, len, last) -> {
      UpdateChunk.Builder c = UpdateChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(data, offset, len)).setLast(last);
      if (offset == 0) {
        c.setHeader(header);
      }
      return c.build();
    };
    // chunks go out as the link takes them (flow control), not all queued at once: a large update over a slow link
    async.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS).uploadUpdate(new ClientResponseObserver<UpdateChunk, UploadUpdateResponse>() {
      private ChunkPump<UpdateChunk> pump;

      @Override
      public void beforeStart(ClientCallStreamObserver<UpdateChunk> requests) {
        pump = new ChunkPump<>(requests, data, 0, chunk, bytesSent::addAndGet);
        requests.setOnReadyHandler(pump);
      }

      @Override
      public void onNext(UploadUpdateResponse r) {
        result.complete(r);
      }

      @Override
      public void onError(Throwable t) {
        pump.stop(); // refused early (admission): the rest is not sent
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(UploadUpdateResponse.getDefaultInstance());
      }
    });
    try {
      return result.get(deadlineSeconds + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw Status.DEADLINE_EXCEEDED.withDescription("upload timed out").asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  /** Update bytes put on the wire, retries included. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Model bytes taken off the wire, retries included. */
  public long bytesReceived() {
    return bytesReceived.get();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
