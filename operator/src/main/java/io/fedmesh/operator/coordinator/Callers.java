package io.fedmesh.operator.coordinator;

import io.fedmesh.common.security.PeerIdentity;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caller of a coordinator call may do, from the identity its certificate carries: a site
 * acts only as itself. A refusal is the same few words for every case, so a peer probing with
 * another site's name learns nothing about that site, its rounds or its models.
 */
final class Callers {
  private static final Logger LOG = LoggerFactory.getLogger(Callers.class);
  static final String DENIED = "this identity is not permitted to do that";

  private Callers() {}

  /** The caller of the current gRPC call; a call that came past no identity check is refused. */
  static PeerIdentity current() {
    return PeerIdentity.current().orElseThrow(Callers::denied);
  }

  static void requireSite(PeerIdentity caller, String namespace, String site, String action) {
    if (!caller.mayActAsSite(namespace, site)) {
      LOG.warn("refused {} to {} as site {}/{}", caller, action, namespace, site);
      throw denied();
    }
  }

  static StatusRuntimeException denied() {
    return Status.PERMISSION_DENIED.withDescription(DENIED).asRuntimeException();
  }

  /** The namespace of a training key "namespace/name" ("" when it has none). */
  static String namespaceOf(String training) {
    int slash = training.indexOf('/');
    return slash < 0 ? "" : training.substring(0, slash);
  }
}
