package io.fedmesh.edge;

import com.google.protobuf.ByteString;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.EvaluationReport;
import io.fedmesh.proto.federation.v1.EvaluationReportResponse;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small but real coordinator for agent tests, served over a loopback socket: it registers sites,
 * acks heartbeats with one open assignment (until its update is accepted), pushes it on the open
 * streams when a round opens, streams the global model in chunks from an offset, and deduplicates
 * uploads by idempotency key. An evaluate-only assignment, once given, is pushed and listed until
 * the site reports it; reports are recorded. Switches inject faults.
 */
final class TestCoordinator extends CoordinatorGrpc.CoordinatorImplBase implements AutoCloseable {
  static final int CHUNK = 1024;
  static final int HEARTBEAT_MS = 150;

  private final MlpSpec spec;
  private final byte[] model;
  private final TrainAssignment assignment;
  private final GrpcServerRunner server;
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();

  boolean hasSession(String session) {
    return sessions.contains(session);
  }
  private final Set<StreamObserver<HeartbeatResponse>> streams = ConcurrentHashMap.newKeySet();

  final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  final List<Long> downloadOffsets = new CopyOnWriteArrayList<>();
  final Map<String, UpdateHeader> accepted = new ConcurrentHashMap<>();
  final Map<String, float[]> weights = new ConcurrentHashMap<>();
  final AtomicInteger uploads = new AtomicInteger();
  final AtomicInteger duplicates = new AtomicInteger();
  /** Every ReportEvaluation received, in order. */
  final List<EvaluationReport> evaluations = new CopyOnWriteArrayList<>();
  /** The evaluate-only assignment acks list until a report of it is accepted; null: none. */
  private volatile TrainAssignment evaluation;
  /** Answers every report with accepted=false and this message (a refusal); null: accepts them. */
  volatile String refuseEvaluations;
  /** Records the next report, then fails the call with INTERNAL (not transient: the agent's call gives up). */
  final AtomicBoolean failNextEvaluation = new AtomicBoolean();

  /** Ends the first download after one chunk, as a dropped link would. */
  final AtomicBoolean breakNextDownload = new AtomicBoolean();
  /** Records the next upload, then fails the call as if the ack were lost on the way back. */
  final AtomicBoolean loseNextAck = new AtomicBoolean();
  /** What every ack tells the site to serve. */
  volatile List<io.fedmesh.proto.federation.v1.ServeModel> serve = List.of();
  /** Versions besides the assignment's that may be downloaded (served versions), by name. */
  final Map<String, float[]> versions = new ConcurrentHashMap<>();
  /** Answers every upload with UNAVAILABLE (an overloaded coordinator or a cut link). */
  volatile boolean refuseUploads;
  /** The heartbeat interval registrations are told. */
  volatile int heartbeatMs = HEARTBEAT_MS;
  /** Whether acks list the assignment; false until {@link #openRound()} when a test starts it closed. */
  volatile boolean roundOpen = true;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TestCoordinator(int port, MlpSpec spec, float[] global, TrainAssignment assignment) {
    this.spec = spec;
    this.model = UpdateCodec.encode(global, UpdateEncoding.F32);
    this.assignment = assignment;
    this.server = GrpcServerRunner.start("test-coordinator", new HostPort("127.0.0.1", port), null, List.of(this));
  }

  static TestCoordinator start(int port, MlpSpec spec, float[] global, TrainAssignment assignment) {
    return new TestCoordinator(port, spec, global, assignment);
  }

  int port() {
    return server.port();
  }

  String key(String site) {
    return assignment.getTraining() + "/" + assignment.getRound() + "/" + site;
  }

  HeartbeatRequest lastHeartbeat() {
    return heartbeats.isEmpty() ? null : heartbeats.get(heartbeats.size() - 1);
  }

  /**
   * Opens the round: from now on acks list the assignment, and it is pushed at once on every open
   * heartbeat stream (seq 0, nothing echoed), as the operator does when a round opens.
   */
  void openRound() {
    roundOpen = true;
    push();
  }

  /** Pushes the assignment on every open heartbeat stream. */
  void push() {
    push(assignment);
  }

  /**
   * Assigns an evaluate-only assignment: pushed at once on every open heartbeat stream, then listed
   * on every ack until a report of its version is accepted, as the operator does.
   */
  void assignEvaluation(TrainAssignment evaluateOnly) {
    evaluation = evaluateOnly;
    push(evaluateOnly);
  }

  private boolean reported(TrainAssignment evaluateOnly, String site) {
    return refuseEvaluations == null && evaluations.stream()
        .anyMatch(r -> r.getSiteName().equals(site) && r.getModelVersion().equals(evaluateOnly.getModelVersion()));
  }

  private void push(TrainAssignment a) {
    HeartbeatResponse pushed = HeartbeatResponse.newBuilder().addAssignments(a).build();
    for (StreamObserver<HeartbeatResponse> s : streams) {
      synchronized (s) {
        s.onNext(pushed);
      }
    }
  }

  /** Forgets every session, as a restarted coordinator would: the next heartbeat is refused. */
  void forgetSessions() {
    sessions.clear();
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (request.getSiteName().isBlank()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("site_name is required").asRuntimeException());
      return;
    }
    registrations.add(request);
    String session = UUID.randomUUID().toString();
    sessions.add(session);
    response.onNext(RegisterResponse.newBuilder().setSiteName(request.getSiteName()).setSessionId(session)
        .setHeartbeatIntervalMs(heartbeatMs).build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<HeartbeatRequest> heartbeat(StreamObserver<HeartbeatResponse> response) {
    streams.add(response);
    return new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatRequest hb) {
        synchronized (response) {
          if (!streams.contains(response)) {
            return;
          }
          if (!sessions.contains(hb.getSessionId())) {
            streams.remove(response);
            response.onError(Status.FAILED_PRECONDITION.withDescription("unknown session " + hb.getSessionId()
                + "; register again").asRuntimeException());
            return;
          }
          heartbeats.add(hb);
          HeartbeatResponse.Builder ack = HeartbeatResponse.newBuilder().setSeq(hb.getSeq())
              .setEchoSentUnixNanos(hb.getSentUnixNanos());
          if (roundOpen && !accepted.containsKey(key(hb.getSiteName()))) {
            ack.addAssignments(assignment);
          }
          TrainAssignment e = evaluation;
          if (e != null && !reported(e, hb.getSiteName())) {
            ack.addAssignments(e);
          }
          ack.addAllServe(serve);
          response.onNext(ack.build());
        }
      }

      @Override
      public void onError(Throwable t) {
        streams.remove(response);
      }

      @Override
      public void onCompleted() {
        if (streams.remove(response)) {
          synchronized (response) {
            response.onCompleted();
          }
        }
      }
    };
  }

  @Override
  public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> response) {
    float[] other = versions.get(request.getModelVersion());
    if (!request.getModelVersion().equals(assignment.getModelVersion()) && other == null) {
      response.onError(Status.NOT_FOUND.withDescription("no model version " + request.getModelVersion()).asRuntimeException());
      return;
    }
    byte[] model = other == null ? this.model : UpdateCodec.encode(other, UpdateEncoding.F32);
    downloadOffsets.add(request.getOffset());
    boolean breakIt = breakNextDownload.getAndSet(false);
    int offset = (int) request.getOffset();
    boolean first = true;
    while (offset < model.length) {
      int len = Math.min(CHUNK, model.length - offset);
      ModelChunk.Builder c = ModelChunk.newBuilder().setModelVersion(request.getModelVersion()).setOffset(offset)
          .setTotalBytes(model.length).setData(ByteString.copyFrom(model, offset, len)).setLast(offset + len >= model.length);
      if (first) {
        c.setModel(spec.toProto());
        first = false;
      }
      response.onNext(c.build());
      offset += len;
      if (breakIt) {
        response.onError(Status.UNAVAILABLE.withDescription("link dropped").asRuntimeException());
        return;
      }
    }
    response.onCompleted();
  }

  @Override
  public StreamObserver<UpdateChunk> uploadUpdate(StreamObserver<UploadUpdateResponse> response) {
    return new StreamObserver<>() {
      private UpdateHeader header;
      private final ByteArrayOutputStream data = new ByteArrayOutputStream();
      private Status failed;

      @Override
      public void onNext(UpdateChunk chunk) {
        if (failed != null) {
          return;
        }
        if (header == null) {
          if (!chunk.hasHeader()) {
            failed = Status.INVALID_ARGUMENT.withDescription("the first chunk carries no header");
            return;
          }
          header = chunk.getHeader();
        }
        if (chunk.getOffset() != data.size() || chunk.getData().size() > (1 << 20)) {
          failed = Status.INVALID_ARGUMENT.withDescription("chunk at offset " + chunk.getOffset() + " (" + chunk.getData().size()
              + " bytes) after " + data.size() + " bytes");
          return;
        }
        data.writeBytes(chunk.getData().toByteArray());
      }

      @Override
      public void onError(Throwable t) {
        failed = Status.CANCELLED;
      }

      @Override
      public void onCompleted() {
        uploads.incrementAndGet();
        if (failed != null) {
          response.onError(failed.asRuntimeException());
          return;
        }
        if (refuseUploads) {
          response.onError(Status.UNAVAILABLE.withDescription("refusing uploads").asRuntimeException());
          return;
        }
        if (data.size() != header.getTotalBytes()) {
          response.onError(Status.INVALID_ARGUMENT.withDescription("got " + data.size() + " of " + header.getTotalBytes()
              + " bytes").asRuntimeException());
          return;
        }
        UpdateEncoding encoding = UpdateEncoding.fromProto(header.getEncoding());
        float[] w;
        if (encoding.isDelta()) { // top-k: the global model it was trained from plus the sparse delta, as the operator rebuilds it
          w = UpdateCodec.decode(model, UpdateEncoding.F32, (int) header.getNumParameters());
          io.fedmesh.common.codec.SparseDelta.addTo(w, data.toByteArray(), header.getSparseValues());
        } else if (header.getTensorEncodingsCount() > 0) {
          w = io.fedmesh.common.codec.TensorEncodings.decode(data.toByteArray(),
              io.fedmesh.common.model.ModelDescription.fromProto(spec.toProto()).layout(),
              header.getTensorEncodingsList().stream().map(UpdateEncoding::fromProto).toList());
        } else {
          w = UpdateCodec.decode(data.toByteArray(), encoding, (int) header.getNumParameters());
        }
        boolean duplicate = accepted.putIfAbsent(header.getIdempotencyKey(), header) != null;
        if (duplicate) {
          duplicates.incrementAndGet();
        } else {
          weights.put(header.getIdempotencyKey(), w);
        }
        if (loseNextAck.getAndSet(false)) {
          response.onError(Status.UNAVAILABLE.withDescription("ack lost").asRuntimeException());
          return;
        }
        response.onNext(UploadUpdateResponse.newBuilder().setAccepted(true).setDuplicate(duplicate)
            .setReceivedBytes(data.size()).build());
        response.onCompleted();
      }
    };
  }

  @Override
  public void reportEvaluation(EvaluationReport report, StreamObserver<EvaluationReportResponse> response) {
    evaluations.add(report);
    if (failNextEvaluation.getAndSet(false)) {
      response.onError(Status.INTERNAL.withDescription("evaluation store failed").asRuntimeException());
      return;
    }
    String refusal = refuseEvaluations;
    response.onNext(refusal == null ? EvaluationReportResponse.newBuilder().setAccepted(true).build()
        : EvaluationReportResponse.newBuilder().setAccepted(false).setMessage(refusal).build());
    response.onCompleted();
  }

  /** Ends open heartbeat streams (agents see UNAVAILABLE and reconnect), then stops the server. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (StreamObserver<HeartbeatResponse> s : streams) {
      if (streams.remove(s)) {
        synchronized (s) {
          s.onError(Status.UNAVAILABLE.withDescription("coordinator shutting down").asRuntimeException());
        }
      }
    }
    server.close();
  }
}
