package io.fedmesh.edge.client;

import com.google.protobuf.ByteString;
import io.fedmesh.common.grpc.ChunkPump;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.ModelSpec;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls to the coordinator, each with a deadline and through Resilience4j: register, download and
 * upload are retried on transient errors (upload is safe to repeat thanks to its idempotency key).
 */
public final class CoordinatorClient implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CoordinatorClient.class);

  private final ManagedChannel channel;
  private final CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private final CoordinatorGrpc.CoordinatorStub async;
  private final CallGuard guard;
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  /** The session of the last registration; uploads carry it. */
  private volatile String sessionId = "";

  /** Where downloaded TorchScript files are kept, by digest. */
  private final java.nio.file.Path scripts;

  public CoordinatorClient(AgentConfig config) {
    this.scripts = config.workDir() == null ? null : config.workDir().resolve("torchscript");
    this.channel = MutualTls.channel(config.coordinator().toString(), config.tls())
        .maxInboundMessageSize(16 * 1024 * 1024)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
    this.blocking = CoordinatorGrpc.newBlockingStub(channel);
    this.async = CoordinatorGrpc.newStub(channel);
    this.guard = CallGuard.forDestination("coordinator " + config.coordinator());
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

  /** The last version downloaded per training and its digest (the bytes are never changed once held). */
  private record Held(String version, String sha256, byte[] f32) {}

  /** Trainings whose last version is held: a few, the most recent (each is one model's bytes). */
  private static final int HELD_TRAININGS = 4;

  private final java.util.Map<String, Held> held = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Held> eldest) {
          return size() > HELD_TRAININGS;
        }
      });

  /** Downloads in progress by training and version: a second caller waits for the first instead of downloading again. */
  private final java.util.Map<String, java.util.concurrent.CompletableFuture<Downloaded>> downloading =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Downloads a model version, resuming from the bytes already received after a failure. A version
   * this agent downloaded last for the training (served, then trained from) is not sent again: the
   * request names the digest held and the coordinator confirms it. A version being downloaded
   * already (serving and training asked at once, when a round closes) is waited for.
   */
  public Downloaded download(String training, String version, String site) {
    String key = training + "@" + version;
    var mine = new java.util.concurrent.CompletableFuture<Downloaded>();
    var running = downloading.putIfAbsent(key, mine);
    if (running != null) {
      try {
        Downloaded d = running.join();
        return new Downloaded(d.spec(), d.f32(), 0, true, 0);
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
        return fetch(training, version, site); // the other one failed: this caller tries on its own
      }
    }
    try {
      Downloaded d = fetch(training, version, site);
      mine.complete(d);
      return d;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      downloading.remove(key, mine);
    }
  }

  private Downloaded fetch(String training, String version, String site) {
    Held have = held.get(training);
    if (have != null && !have.version().equals(version)) {
      Downloaded patched = patched(training, version, site, have);
      if (patched != null) {
        return patched;
      }
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ModelSpec[] spec = new ModelSpec[1];
    Held known = have != null && have.version().equals(version) ? have : null;
    boolean[] reused = new boolean[1];
    long start = System.nanoTime();
    resumable("model download of " + version, buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadModel(DownloadModelRequest.newBuilder()
            .setTraining(training).setModelVersion(version).setSiteName(site).setOffset(offset)
            .setHaveSha256(known == null ? "" : known.sha256()).build()),
        (ModelChunk c) -> {
          if (c.hasModel()) {
            spec[0] = c.getModel();
          }
          if (c.getUnchanged() && known != null && buffer.size() == 0 && c.getTotalBytes() == known.f32().length) {
            buffer.writeBytes(known.f32()); // confirmed: the held bytes are this version's
            reused[0] = true;
          }
          return new Piece(c.getOffset(), c.getTotalBytes(), c.getData(), c.getLast());
        });
    if (spec[0] == null) {
      throw new IllegalStateException("model " + version + " of " + training + " arrived without its spec");
    }
    if (spec[0].getArchitecture().equals(io.fedmesh.common.model.ArchitectureType.TORCHSCRIPT.wireName())) {
      ensureScript(training, version, site, io.fedmesh.common.model.ModelDescription.fromProto(spec[0]).script());
    }
    byte[] f32 = reused[0] ? known.f32() : buffer.toByteArray();
    if (!reused[0]) {
      held.put(training, new Held(version, io.fedmesh.common.codec.Digests.sha256Hex(f32), f32));
    }
    return new Downloaded(spec[0], f32, (System.nanoTime() - start) / 1e9, reused[0], reused[0] ? 0 : f32.length);
  }

  /**
   * The version as a patch of the held older one (or whole, when the coordinator finds no smaller
   * patch), in one attempt; null when that attempt fails in any way, and the caller downloads in full.
   */
  private Downloaded patched(String training, String version, String site, Held have) {
    long start = System.nanoTime();
    try {
      PatchedDownload.Result r = PatchedDownload.read(blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadModel(
          DownloadModelRequest.newBuilder().setTraining(training).setModelVersion(version).setSiteName(site)
              .setHaveVersion(have.version()).setHaveSha256(have.sha256()).build()), have.f32());
      bytesReceived.addAndGet(r.wireBytes());
      if (r.spec().getArchitecture().equals(io.fedmesh.common.model.ArchitectureType.TORCHSCRIPT.wireName())) {
        ensureScript(training, version, site, io.fedmesh.common.model.ModelDescription.fromProto(r.spec()).script());
      }
      held.put(training, new Held(version, r.sha256(), r.f32()));
      return new Downloaded(r.spec(), r.f32(), (System.nanoTime() - start) / 1e9, false, r.wireBytes());
    } catch (RuntimeException e) {
      LOG.info("model {} of {} as a patch of {} did not arrive whole ({}); downloading it in full", version, training,
          have.version(), e.getMessage());
      return null;
    }
  }

  /**
   * Fetches the TorchScript file a torchscript model names, once per digest: never more bytes than
   * the spec declares, and registered only when its SHA-256 is the spec's.
   */
  private void ensureScript(String training, String version, String site, io.fedmesh.common.model.ModelDescription.ScriptRef ref) {
    if (io.fedmesh.models.TorchScripts.path(ref).isPresent()) {
      return;
    }
    if (ref.bytes() > io.fedmesh.models.TorchScripts.MAX_BYTES || scripts == null) {
      throw new IllegalStateException("cannot take the TorchScript file of " + training + " (" + ref.bytes() + " bytes): "
          + (scripts == null ? "this agent has no --work-dir" : "more than " + io.fedmesh.models.TorchScripts.MAX_BYTES));
    }
    java.nio.file.Path kept = scripts.resolve(ref.sha256() + ".pt");
    try { // kept from before a restart: taken again only if it still has its digest
      if (java.nio.file.Files.isRegularFile(kept) && io.fedmesh.models.TorchScripts.register(kept).equals(ref)) {
        return;
      }
    } catch (java.io.IOException e) {
      // unreadable: fetched again below
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    resumable("TorchScript file sha256:" + ref.shortDigest(), buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadArchitecture(
            io.fedmesh.proto.federation.v1.DownloadArchitectureRequest.newBuilder().setTraining(training).setModelVersion(version)
                .setSiteName(site).setSha256(ref.sha256()).setOffset(offset).build()),
        (io.fedmesh.proto.federation.v1.ArchitectureChunk c) -> {
          if (c.getTotalBytes() != ref.bytes() || c.getOffset() + c.getData().size() > ref.bytes()) {
            throw Status.DATA_LOSS.withDescription("the TorchScript file is not the " + ref.bytes() + " bytes the model spec declares")
                .asRuntimeException();
          }
          return new Piece(c.getOffset(), c.getTotalBytes(), c.getData(), c.getLast());
        });
    try {
      java.nio.file.Files.createDirectories(scripts);
      java.nio.file.Path file = scripts.resolve(ref.sha256() + ".pt");
      io.fedmesh.common.io.AtomicFiles.write(file, buffer.toByteArray());
      if (!io.fedmesh.models.TorchScripts.register(file).equals(ref)) {
        java.nio.file.Files.deleteIfExists(file);
        throw new IllegalStateException("the TorchScript file received for " + training + " does not have the digest sha256:"
            + ref.sha256() + " its model spec names: refused");
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot store the TorchScript file under " + scripts + ": " + e.getMessage(), e);
    }
  }

  /**
   * Downloads a training's simulation samples (CSV) for a simulation learner; resumes from what
   * it has on a broken stream, like the model download.
   */
  public byte[] fetchSimulationData(String training, String version, String site) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    resumable("simulation data " + version, buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).fetchSimulationData(
            io.fedmesh.proto.federation.v1.FetchSimulationDataRequest.newBuilder().setTraining(training)
                .setDataVersion(version).setSiteName(site).setOffset(offset).build()),
        (io.fedmesh.proto.federation.v1.SimulationDataChunk c) -> new Piece(c.getOffset(), c.getTotalBytes(), c.getData(),
            c.getLast()));
    return buffer.toByteArray();
  }

  /** What a streamed download needs of one chunk. */
  private record Piece(long offset, long totalBytes, ByteString data, boolean last) {}

  /**
   * Streams chunks into {@code buffer}; a stream that ends early is retried (the guard) from the
   * bytes already received, and a chunk overlapping them contributes only its new tail.
   */
  private <T> void resumable(String what, ByteArrayOutputStream buffer, java.util.function.LongFunction<Iterator<T>> open,
      java.util.function.Function<T, Piece> piece) {
    guard.idempotent(() -> {
      Iterator<T> chunks = open.apply(buffer.size());
      long total = -1;
      boolean last = false;
      while (chunks.hasNext()) {
        Piece c = piece.apply(chunks.next());
        if (c.totalBytes() > 0) {
          total = c.totalBytes();
        }
        if (c.offset() > buffer.size()) {
          throw Status.DATA_LOSS.withDescription(what + ": chunk at offset " + c.offset() + " but only " + buffer.size()
              + " bytes received").asRuntimeException();
        }
        int skip = (int) (buffer.size() - c.offset());
        bytesReceived.addAndGet(c.data().size());
        if (skip < c.data().size()) {
          buffer.writeBytes(c.data().substring(skip).toByteArray());
        }
        last |= c.last();
      }
      if (!last || (total >= 0 && buffer.size() != total)) {
        // the stream ended early (a proxy or the server gave up): the next attempt resumes from here
        throw Status.UNAVAILABLE.withDescription(what + " ended at " + buffer.size() + " of " + (total < 0 ? "?" : total)
            + " bytes").asRuntimeException();
      }
      return null;
    });
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
