package io.fedmesh.operator.coordinator;

import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.EvaluationReport;
import io.fedmesh.proto.federation.v1.EvaluationReportResponse;
import io.fedmesh.proto.federation.v1.FetchSimulationDataRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.SimulationDataChunk;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation coordinator's gRPC service, agents dial out to it: a thin adapter over
 * {@link SiteSessions} (register, heartbeats, pushed assignments), {@link ModelServing} (model and
 * simulation downloads) and {@link UpdateReceiver} (update uploads).
 */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorService.class);

  private final Federation federation;
  private final SiteSessions sessions;
  private final ModelServing serving;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private volatile boolean leading = true;

  /** A coordinator that accepts sites only in {@code defaultNamespace}. */
  public CoordinatorService(Federation federation, EdgeSiteMirror mirror, String defaultNamespace, String bootstrapToken,
      Duration heartbeatInterval, MeterRegistry registry) {
    this(federation, mirror, defaultNamespace, false, bootstrapToken, heartbeatInterval, registry);
  }

  /** @param allNamespaces accept sites in any namespace (an operator that watches them all) */
  public CoordinatorService(Federation federation, EdgeSiteMirror mirror, String defaultNamespace, boolean allNamespaces,
      String bootstrapToken, Duration heartbeatInterval, MeterRegistry registry) {
    this.federation = federation;
    this.sessions = new SiteSessions(federation, mirror, defaultNamespace, allNamespaces, bootstrapToken, heartbeatInterval);
    if (mirror != null) {
      federation.forecasts.onForecast(mirror::forecast);
    }
    this.bytesIn = Counter.builder("fedmesh_bytes_received_total").description("update bytes received from sites").register(registry);
    this.bytesOut = Counter.builder("fedmesh_bytes_sent_total").description("model bytes sent to sites").register(registry);
    this.serving = new ModelServing(federation, (training, bytes) -> {
      bytesOut.increment(bytes);
      federation.addBytes(training, bytes);
    });
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
    try {
      response.onNext(sessions.register(request));
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /** Ends every open heartbeat stream, so a stopping coordinator drains in moments. */
  public void closeStreams() {
    sessions.closeAll();
  }

  @Override
  public StreamObserver<HeartbeatRequest> heartbeat(StreamObserver<HeartbeatResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatRequest hb) {
        try {
          sessions.heartbeat(hb, response);
        } catch (StatusRuntimeException e) {
          synchronized (response) {
            response.onError(e);
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        sessions.ended(response);
        LOG.debug("heartbeat stream ended: {}", t.getMessage());
      }

      @Override
      public void onCompleted() {
        sessions.ended(response);
        try {
          synchronized (response) {
            response.onCompleted();
          }
        } catch (IllegalStateException e) {
          LOG.debug("heartbeat stream already closed by the coordinator");
        }
      }
    };
  }

  @Override
  public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> response) {
    try {
      requireAssignedOrServing(request.getTraining(), request.getModelVersion(), request.getSiteName());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    serving.downloadModel(request, response);
  }

  @Override
  public void fetchSimulationData(FetchSimulationDataRequest request, StreamObserver<SimulationDataChunk> response) {
    try {
      requireAssigned(request.getTraining(), request.getSiteName(), "fetch simulation data");
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    serving.fetchSimulationData(request, response);
  }

  @Override
  public void downloadArchitecture(io.fedmesh.proto.federation.v1.DownloadArchitectureRequest request,
      StreamObserver<io.fedmesh.proto.federation.v1.ArchitectureChunk> response) {
    try {
      requireAssignedOrServing(request.getTraining(), request.getModelVersion(), request.getSiteName());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    serving.downloadArchitecture(request, response);
  }

  @Override
  public void reportEvaluation(EvaluationReport request, StreamObserver<EvaluationReportResponse> response) {
    try {
      String namespace = Callers.namespaceOf(request.getTraining());
      Callers.requireSite(Callers.current(), namespace, request.getSiteName(), "report an evaluation");
      String refused = federation.evaluations.report(request.getSiteName(), request);
      if (refused == null) {
        federation.assignments.withdrawEvaluation(namespace + "/" + request.getSiteName(), request.getTraining());
      } else {
        LOG.warn("refused the evaluation report of site {}/{}: {}", namespace, request.getSiteName(), refused);
      }
      response.onNext(EvaluationReportResponse.newBuilder().setAccepted(refused == null).setMessage(refused == null ? "" : refused).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /** A model or its data goes only to a site, acting as itself, that holds an open assignment of that training. */
  private void requireAssigned(String training, String site, String action) {
    String namespace = Callers.namespaceOf(training);
    Callers.requireSite(Callers.current(), namespace, site, action);
    boolean assigned = federation.assignments.forSite(namespace + "/" + site).stream().anyMatch(a -> a.getTraining().equals(training));
    if (!assigned) {
      LOG.warn("refused site {}/{} to {} of {}: it holds no assignment of that training", namespace, site, action, training);
      throw Callers.denied();
    }
  }

  /** A model goes to a site that trains it, or that the operator told to serve exactly this version of it; to nobody else. */
  private void requireAssignedOrServing(String training, String version, String site) {
    String namespace = Callers.namespaceOf(training);
    Callers.requireSite(Callers.current(), namespace, site, "download a model");
    if (federation.serving.selected(namespace, site, training, version)) {
      return;
    }
    requireAssigned(training, site, "download a model");
  }

  @Override
  public StreamObserver<UpdateChunk> uploadUpdate(StreamObserver<UploadUpdateResponse> response) {
    PeerIdentity caller;
    try {
      caller = Callers.current();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return new StreamObserver<>() { // refused already: the rest of the stream is dropped unread
        @Override
        public void onNext(UpdateChunk chunk) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    return new CallerCheckedUpload(federation, caller, response, new UpdateReceiver(federation, response, (training, bytes) -> {
      bytesIn.increment(bytes);
      federation.addBytes(training, bytes);
    }));
  }
}
