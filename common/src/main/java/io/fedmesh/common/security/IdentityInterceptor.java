package io.fedmesh.common.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a call gets its caller: the client certificate's fedmesh identity, put in the
 * gRPC Context for the services' own checks, and a first gate on its kind (only sites reach a
 * coordinator, only the operator a bridge). A refusal says only that the caller is not allowed;
 * it never tells a stranger what the server holds.
 */
public final class IdentityInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityInterceptor.class);
  private static final String HEALTH_SERVICE = "grpc.health.v1.Health";

  private final boolean plaintext;
  private final Set<PeerIdentity.Kind> callers;

  /**
   * @param plaintext the server runs without TLS (--insecure): callers are {@link PeerIdentity#INSECURE}
   * @param callers the kinds that may call the server's services (the health service takes any authenticated peer)
   */
  public IdentityInterceptor(boolean plaintext, Set<PeerIdentity.Kind> callers) {
    this.plaintext = plaintext;
    this.callers = callers.isEmpty() ? EnumSet.allOf(PeerIdentity.Kind.class) : EnumSet.copyOf(callers);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Optional<PeerIdentity> identity = plaintext ? Optional.of(PeerIdentity.INSECURE) : fromTls(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (identity.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("a client certificate with a fedmesh identity is required"));
    }
    boolean health = HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName());
    PeerIdentity peer = identity.get();
    if (!health && peer.kind() != PeerIdentity.Kind.INSECURE && !callers.contains(peer.kind())) {
      LOG.warn("refused {} calling {}: only {} may", peer, call.getMethodDescriptor().getFullMethodName(), callers);
      return refuse(call, Status.PERMISSION_DENIED.withDescription("this identity may not call this service"));
    }
    Context context = Context.current().withValue(PeerIdentity.CONTEXT_KEY, peer);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static Optional<PeerIdentity> fromTls(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? CertificateIdentity.of(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
