package io.fedmesh.operator.coordinator;

import com.google.protobuf.ByteString;
import io.fedmesh.common.grpc.Chunks;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.SiteState;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The federation coordinator's gRPC service: agents dial out to it. */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorService.class);
  private static final Pattern DNS1123 = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final long MAX_UPDATE_BYTES = 1L << 31;

  private final Federation federation;
  private final EdgeSiteMirror mirror;
  private final String defaultNamespace;
  private final String bootstrapToken;
  private final Duration heartbeatInterval;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private volatile boolean leading = true;
  private final java.util.Set<StreamObserver<HeartbeatResponse>> heartbeatStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public CoordinatorService(Federation federation, EdgeSiteMirror mirror, String defaultNamespace, String bootstrapToken,
      Duration heartbeatInterval, MeterRegistry registry) {
    this.federation = federation;
    this.mirror = mirror;
    this.defaultNamespace = defaultNamespace;
    this.bootstrapToken = bootstrapToken;
    this.heartbeatInterval = heartbeatInterval;
    this.bytesIn = Counter.builder("fedmesh_bytes_received_total").description("update bytes received from sites").register(registry);
    this.bytesOut = Counter.builder("fedmesh_bytes_sent_total").description("model bytes sent to sites").register(registry);
  }

  /** A standby replica refuses agents so they retry and land on the leader. */
  public void setLeading(boolean leading) {
    this.leading = leading;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    if (!leading) {
      response.onError(Status.UNAVAILABLE.withDescription("this operator replica is on standby; retry to reach the leader").asRuntimeException());
      return;
    }
    if (bootstrapToken != null && !bootstrapToken.equals(request.getBootstrapToken())) {
      response.onError(Status.UNAUTHENTICATED.withDescription(
          "bootstrap token rejected for site '" + request.getSiteName() + "': pass the token from the operator's bootstrap Secret (--token-file)")
          .asRuntimeException());
      return;
    }
    if (!DNS1123.matcher(request.getSiteName()).matches() || request.getSiteName().length() > 63) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("site_name '" + request.getSiteName()
          + "' is not a DNS-1123 label: use lowercase letters, digits and '-', at most 63 characters").asRuntimeException());
      return;
    }
    String namespace = request.getNamespace().isBlank() ? defaultNamespace : request.getNamespace();
    SiteSession session = new SiteSession(namespace, request.getSiteName(), UUID.randomUUID().toString(),
        request.getAgentVersion(), request.getRegion(), request.getLabelsMap(), request.getCapacity(), request.getDatasetsList());
    try {
      federation.sites.put(session);
      mirror.registered(session);
    } catch (RuntimeException e) {
      LOG.error("{}: registration failed", session.key(), e);
      response.onError(Status.UNAVAILABLE.withDescription("cannot record site " + session.key() + ": " + e.getMessage()).asRuntimeException());
      return;
    }
    LOG.info("{}: registered (agent {}, {} samples)", session.key(), request.getAgentVersion(), session.samples());
    response.onNext(RegisterResponse.newBuilder()
        .setSiteName(session.site)
        .setSessionId(session.sessionId)
        .setHeartbeatIntervalMs((int) heartbeatInterval.toMillis())
        .build());
    response.onCompleted();
  }

  /**
   * Ends every open heartbeat stream, so a stopping coordinator drains in moments instead of
   * waiting out long-lived streams; agents reconnect (to the new leader) by themselves.
   */
  public void closeStreams() {
    for (StreamObserver<HeartbeatResponse> stream : heartbeatStreams) {
      try {
        synchronized (stream) {
          stream.onCompleted();
        }
      } catch (RuntimeException e) {
        LOG.debug("heartbeat stream already closed: {}", e.getMessage());
      }
    }
    heartbeatStreams.clear();
  }

  @Override
  public StreamObserver<HeartbeatRequest> heartbeat(StreamObserver<HeartbeatResponse> response) {
    heartbeatStreams.add(response);
    return new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatRequest hb) {
        SiteSession s = federation.sites.bySession(hb.getSessionId()).orElse(null);
        if (s == null) {
          heartbeatStreams.remove(response);
          response.onError(Status.FAILED_PRECONDITION
              .withDescription("session " + hb.getSessionId() + " of site '" + hb.getSiteName() + "' is unknown: register again")
              .asRuntimeException());
          return;
        }
        boolean wasOffline = s.offline;
        SiteState before = s.state;
        s.lastHeartbeat = Instant.now();
        s.state = hb.getState() == SiteState.SITE_STATE_UNSPECIFIED ? SiteState.SITE_STATE_READY : hb.getState();
        s.message = hb.getMessage();
        s.link = hb.getLink();
        s.free = hb.getFree();
        if (hb.getDatasetsCount() > 0) {
          s.datasets = hb.getDatasetsList();
        }
        s.offline = false;
        boolean degradedChanged = (before == SiteState.SITE_STATE_DEGRADED) != (s.state == SiteState.SITE_STATE_DEGRADED);
        try {
          if (wasOffline) {
            mirror.cameBack(s);
          } else {
            mirror.heartbeat(s, degradedChanged);
          }
        } catch (RuntimeException e) {
          LOG.warn("{}: status not written: {}", s.key(), e.getMessage());
        }
        HeartbeatResponse ack = HeartbeatResponse.newBuilder()
            .setSeq(hb.getSeq())
            .setEchoSentUnixNanos(hb.getSentUnixNanos())
            .addAllAssignments(s.available() ? federation.assignments.forSite(s.key()) : java.util.List.of())
            .build();
        synchronized (response) {
          response.onNext(ack);
        }
      }

      @Override
      public void onError(Throwable t) {
        heartbeatStreams.remove(response);
        LOG.debug("heartbeat stream ended: {}", t.getMessage());
      }

      @Override
      public void onCompleted() {
        if (heartbeatStreams.remove(response)) {
          synchronized (response) {
            response.onCompleted();
          }
        }
      }
    };
  }

  @Override
  public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> response) {
    PublishedModels.Published p = federation.models.get(request.getTraining()).orElse(null);
    if (p == null || !p.version().equals(request.getModelVersion())) {
      response.onError(Status.NOT_FOUND.withDescription("model version " + request.getModelVersion() + " of "
          + request.getTraining() + " is not published" + (p == null ? "" : "; current version is " + p.version()))
          .asRuntimeException());
      return;
    }
    byte[] data = p.f32();
    long from = Math.max(0, Math.min(request.getOffset(), data.length));
    Chunks.send(data, from, (offset, len, last) -> {
      ModelChunk.Builder chunk = ModelChunk.newBuilder()
          .setModelVersion(p.version())
          .setOffset(offset)
          .setTotalBytes(data.length)
          .setData(ByteString.copyFrom(data, offset, len))
          .setLast(last);
      if (offset == from) {
        chunk.setModel(p.spec().toProto()); // the first chunk of this stream carries the architecture
      }
      response.onNext(chunk.build());
      sent(request.getTraining(), len);
    });
    response.onCompleted();
  }

  /** The training's simulation samples for its simulation learner, from {@code offset}, in chunks. */
  @Override
  public void fetchSimulationData(io.fedmesh.proto.federation.v1.FetchSimulationDataRequest request,
      StreamObserver<io.fedmesh.proto.federation.v1.SimulationDataChunk> response) {
    SimulationData.Published p = federation.simulationData.get(request.getTraining()).orElse(null);
    if (p == null || !p.version().equals(request.getDataVersion())) {
      response.onError(Status.NOT_FOUND.withDescription("simulation data " + request.getDataVersion() + " of "
          + request.getTraining() + " is not published" + (p == null ? "" : "; current version is " + p.version()))
          .asRuntimeException());
      return;
    }
    byte[] data = p.csv();
    Chunks.send(data, request.getOffset(), (offset, len, last) -> {
      response.onNext(io.fedmesh.proto.federation.v1.SimulationDataChunk.newBuilder().setDataVersion(p.version())
          .setOffset(offset).setTotalBytes(data.length).setSamples(p.samples())
          .setData(ByteString.copyFrom(data, offset, len)).setLast(last).build());
      sent(request.getTraining(), len);
    });
    response.onCompleted();
  }

  private void sent(String training, int bytes) {
    bytesOut.increment(bytes);
    federation.addBytes(training, bytes);
  }

  @Override
  public StreamObserver<UpdateChunk> uploadUpdate(StreamObserver<UploadUpdateResponse> response) {
    return new StreamObserver<>() {
      private UpdateHeader header;
      private ByteArrayOutputStream buffer;
      private boolean failed;

      @Override
      public void onNext(UpdateChunk chunk) {
        if (failed) {
          return;
        }
        if (header == null) {
          if (!chunk.hasHeader()) {
            fail(Status.INVALID_ARGUMENT.withDescription("the first chunk of an update must carry its header"));
            return;
          }
          header = chunk.getHeader();
          if (header.getTotalBytes() < 0 || header.getTotalBytes() > MAX_UPDATE_BYTES) {
            fail(Status.INVALID_ARGUMENT.withDescription("total_bytes " + header.getTotalBytes() + " out of range"));
            return;
          }
          buffer = new ByteArrayOutputStream((int) header.getTotalBytes());
        }
        if (chunk.getOffset() != buffer.size()) {
          fail(Status.INVALID_ARGUMENT.withDescription("chunk at offset " + chunk.getOffset() + " but " + buffer.size() + " bytes received"));
          return;
        }
        buffer.writeBytes(chunk.getData().toByteArray());
      }

      @Override
      public void onError(Throwable t) {
        LOG.debug("upload aborted by the site: {}", t.getMessage());
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (header == null) {
          fail(Status.INVALID_ARGUMENT.withDescription("empty upload"));
          return;
        }
        byte[] data = buffer.toByteArray();
        bytesIn.increment(data.length);
        federation.addBytes(header.getTraining(), data.length);
        String expectedKey = header.getTraining() + "/" + header.getRound() + "/" + header.getSiteName();
        if (!expectedKey.equals(header.getIdempotencyKey())) {
          fail(Status.INVALID_ARGUMENT.withDescription("idempotency_key must be training/round/site: expected " + expectedKey));
          return;
        }
        float[] weights;
        try {
          weights = UpdateCodec.decode(data, UpdateEncoding.fromProto(header.getEncoding()), (int) header.getNumParameters());
        } catch (IllegalArgumentException e) {
          fail(Status.INVALID_ARGUMENT.withDescription("update " + expectedKey + ": " + e.getMessage()));
          return;
        }
        ClientUpdate update = new ClientUpdate(header.getSiteName(), weights, header.getSamples(), header.getTrainLoss(),
            header.getLocalMetric(), data.length);
        UpdateInbox.Result result = federation.inbox.offer(header.getTraining(), header.getRound(), expectedKey, update);
        if (result.outcome() == UpdateInbox.Outcome.ACCEPTED) {
          LOG.info("{}: update for round {} received from {} ({} bytes, {} samples, loss {})", header.getTraining(),
              header.getRound(), header.getSiteName(), data.length, header.getSamples(), String.format("%.4f", header.getTrainLoss()));
          SiteSession s = federation.sites.all().stream().filter(x -> header.getTraining().startsWith(x.namespace + "/")
              && x.site.equals(header.getSiteName())).findFirst().orElse(null);
          if (s != null) {
            federation.assignments.withdraw(s.key(), header.getTraining());
          }
        }
        response.onNext(UploadUpdateResponse.newBuilder()
            .setAccepted(result.outcome() != UpdateInbox.Outcome.REJECTED)
            .setDuplicate(result.outcome() == UpdateInbox.Outcome.DUPLICATE)
            .setMessage(result.message())
            .setReceivedBytes(data.length)
            .build());
        response.onCompleted();
      }

      private void fail(Status status) {
        failed = true;
        response.onError(status.asRuntimeException());
      }
    };
  }
}
