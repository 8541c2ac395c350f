package io.fedmesh.operator.coordinator;

import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.SiteState;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registrations and heartbeat streams: a site's session, the facts of each heartbeat, and the
 * open stream of each session, on which a new assignment is pushed the moment its round opens.
 */
final class SiteSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SiteSessions.class);
  private static final Pattern DNS1123 = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private final Federation federation;
  private final EdgeSiteMirror mirror;
  private final String defaultNamespace;
  /** Every namespace (an operator watching all), or only the default one. */
  private final boolean allNamespaces;
  private final String bootstrapToken;
  private final Duration heartbeatInterval;
  private final RegistrationLimiter limiter = RegistrationLimiter.defaults();
  /** The open heartbeat stream of each session; writes to one stream are serialised on it. */
  private final Map<String, StreamObserver<HeartbeatResponse>> streams = new ConcurrentHashMap<>();

  SiteSessions(Federation federation, EdgeSiteMirror mirror, String defaultNamespace, boolean allNamespaces, String bootstrapToken,
      Duration heartbeatInterval) {
    this.federation = federation;
    this.mirror = mirror;
    this.defaultNamespace = defaultNamespace;
    this.allNamespaces = allNamespaces;
    this.bootstrapToken = bootstrapToken;
    this.heartbeatInterval = heartbeatInterval;
    federation.assignments.onPublish(this::push);
  }

  RegisterResponse register(RegisterRequest request) {
    PeerIdentity caller = Callers.current();
    // the certificate says where a site lives; a site without a namespace of its own joins the operator's
    String namespace = !request.getNamespace().isBlank() ? request.getNamespace()
        : caller.kind() == PeerIdentity.Kind.SITE ? caller.namespace() : defaultNamespace;
    Callers.requireSite(caller, namespace, request.getSiteName(), "register");
    limiter.admit(namespace + "/" + request.getSiteName());
    if (bootstrapToken != null && !bootstrapToken.equals(request.getBootstrapToken())) {
      throw Status.UNAUTHENTICATED.withDescription("bootstrap token rejected for site '" + request.getSiteName()
          + "': pass the token from the operator's bootstrap Secret (--token-file)").asRuntimeException();
    }
    if (!DNS1123.matcher(request.getSiteName()).matches() || request.getSiteName().length() > 63) {
      throw Status.INVALID_ARGUMENT.withDescription("site_name '" + request.getSiteName()
          + "' is not a DNS-1123 label: use lowercase letters, digits and '-', at most 63 characters").asRuntimeException();
    }
    if (!allNamespaces && !namespace.equals(defaultNamespace)) {
      // a site lives where the operator looks: never an EdgeSite in a namespace nobody reconciles (kube-system, say)
      throw Status.PERMISSION_DENIED.withDescription("namespace '" + namespace + "' is not served by this coordinator:"
          + " register without a namespace (the agent's --namespace) to join the operator's").asRuntimeException();
    }
    SiteSession session = new SiteSession(namespace, request.getSiteName(), UUID.randomUUID().toString(),
        request.getAgentVersion(), request.getRegion(), request.getLabelsMap(), request.getCapacity(), request.getDatasetsList());
    try {
      federation.sites.put(session);
      if (mirror != null) {
        mirror.registered(session);
      }
    } catch (RuntimeException e) {
      LOG.error("{}: registration failed", session.key(), e);
      throw Status.UNAVAILABLE.withDescription("cannot record site " + session.key() + ": " + e.getMessage()).asRuntimeException();
    }
    LOG.info("{}: registered (agent {}, {} samples)", session.key(), request.getAgentVersion(), session.samples());
    federation.siteChanged(namespace, session.site);
    return RegisterResponse.newBuilder()
        .setSiteName(session.site)
        .setSessionId(session.sessionId)
        .setHeartbeatIntervalMs((int) heartbeatInterval.toMillis())
        .build();
  }

  /** One heartbeat: records its facts and acknowledges it with the site's open assignments. */
  void heartbeat(HeartbeatRequest hb, StreamObserver<HeartbeatResponse> response) {
    PeerIdentity caller = Callers.current();
    SiteSession s = federation.sites.bySession(hb.getSessionId()).orElse(null);
    if (s != null && (!s.site.equals(hb.getSiteName()) || !caller.mayActAsSite(s.namespace, s.site))) {
      // another site's session: the same refusal as any other, and the session stays its owner's
      ended(response);
      throw Callers.denied();
    }
    if (s == null) {
      ended(response);
      throw Status.FAILED_PRECONDITION
          .withDescription("session " + hb.getSessionId() + " of site '" + hb.getSiteName() + "' is unknown: register again")
          .asRuntimeException();
    }
    streams.put(s.sessionId, response);
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
    if (mirror != null) {
      if (wasOffline) {
        mirror.cameBack(s);
      } else {
        mirror.heartbeat(s);
      }
    }
    if (wasOffline || degradedChanged) {
      federation.siteChanged(s.namespace, s.site);
    }
    federation.serving.report(s.namespace, s.site, hb.getServingList());
    send(response, HeartbeatResponse.newBuilder()
        .setSeq(hb.getSeq())
        .setEchoSentUnixNanos(hb.getSentUnixNanos())
        .addAllAssignments(s.available() ? federation.assignments.forSite(s.key()) : List.of())
        .addAllServe(federation.serving.forSite(s.namespace, s.site))
        .build());
  }

  /** A round opened: the site hears of its assignment now, not at its next heartbeat. */
  private void push(String siteKey, TrainAssignment assignment) {
    int slash = siteKey.indexOf('/');
    SiteSession s = federation.sites.get(siteKey.substring(0, slash), siteKey.substring(slash + 1)).orElse(null);
    StreamObserver<HeartbeatResponse> stream = s == null ? null : streams.get(s.sessionId);
    if (stream == null || !s.available()) {
      return; // the next heartbeat ack carries it
    }
    try {
      // seq 0 and no echo: an agent does not take a push for an RTT sample
      send(stream, HeartbeatResponse.newBuilder().addAssignments(assignment).build());
    } catch (RuntimeException e) {
      LOG.debug("{}: push failed ({}); the next ack carries the assignment", siteKey, e.getMessage());
    }
  }

  void ended(StreamObserver<HeartbeatResponse> response) {
    streams.values().removeIf(r -> r == response);
  }

  /** Ends every open stream, so a stopping coordinator drains at once; agents reconnect by themselves. */
  void closeAll() {
    for (StreamObserver<HeartbeatResponse> stream : List.copyOf(streams.values())) {
      close(stream);
    }
    streams.clear();
  }

  private void close(StreamObserver<HeartbeatResponse> stream) {
    ended(stream);
    try {
      synchronized (stream) {
        stream.onCompleted();
      }
    } catch (RuntimeException e) {
      LOG.debug("heartbeat stream already closed: {}", e.getMessage());
    }
  }

  private static void send(StreamObserver<HeartbeatResponse> stream, HeartbeatResponse message) {
    synchronized (stream) {
      stream.onNext(message);
    }
  }

}
