package io.fedmesh.operator.coordinator;

import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The gate in front of an upload: its first chunk must name the caller's own site and the session
 * that site holds now. Until it passes, nothing reaches {@link UpdateReceiver} (no admission, no
 * buffer, no message that tells a stranger about rounds); after a refusal the rest is dropped.
 */
final class CallerCheckedUpload implements StreamObserver<UpdateChunk> {
  private final Federation federation;
  private final PeerIdentity caller;
  private final StreamObserver<UploadUpdateResponse> response;
  private final StreamObserver<UpdateChunk> next;
  private boolean checked;
  private boolean refused;

  CallerCheckedUpload(Federation federation, PeerIdentity caller, StreamObserver<UploadUpdateResponse> response,
      StreamObserver<UpdateChunk> next) {
    this.federation = federation;
    this.caller = caller;
    this.response = response;
    this.next = next;
  }

  @Override
  public void onNext(UpdateChunk chunk) {
    if (refused) {
      return;
    }
    if (!checked) {
      StatusRuntimeException why = check(chunk);
      if (why != null) {
        refused = true;
        response.onError(why);
        return;
      }
      checked = true;
    }
    next.onNext(chunk);
  }

  private StatusRuntimeException check(UpdateChunk first) {
    if (!first.hasHeader()) {
      return Status.INVALID_ARGUMENT.withDescription("the first chunk of an update must carry its header").asRuntimeException();
    }
    UpdateHeader h = first.getHeader();
    String namespace = Callers.namespaceOf(h.getTraining());
    try {
      Callers.requireSite(caller, namespace, h.getSiteName(), "upload an update");
    } catch (StatusRuntimeException e) {
      return e;
    }
    SiteSession session = federation.sites.get(namespace, h.getSiteName()).orElse(null);
    if (session == null || !session.sessionId.equals(h.getSessionId())) {
      return Status.FAILED_PRECONDITION.withDescription("session_id is not the site's current session: register again and resend")
          .asRuntimeException();
    }
    return null;
  }

  @Override
  public void onError(Throwable t) {
    if (!refused) {
      next.onError(t);
    }
  }

  @Override
  public void onCompleted() {
    if (refused) {
      return;
    }
    if (!checked) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("empty upload").asRuntimeException());
      return;
    }
    next.onCompleted();
  }
}
