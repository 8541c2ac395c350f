package io.fedmesh.edge.outbox;

import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Uploads updates from the outbox and takes them out once the coordinator has answered for good. */
public final class UpdateDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateDelivery.class);

  private final CoordinatorClient client;
  private final Outbox outbox;
  private final String site;
  private final Consumer<Outbox.Pending> onAccepted;

  /** {@code onAccepted} hears of every update the coordinator took (also as a duplicate). */
  public UpdateDelivery(CoordinatorClient client, Outbox outbox, String site, Consumer<Outbox.Pending> onAccepted) {
    this.client = client;
    this.outbox = outbox;
    this.site = site;
    this.onAccepted = onAccepted;
  }

  /** Sends one update; a transient failure throws and leaves it in the outbox for a later try. */
  public void deliver(Outbox.Pending p) {
    UploadUpdateResponse resp;
    try {
      resp = client.upload(p.header(), p.data());
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.INVALID_ARGUMENT) {
        throw e; // transient: it stays for a later try
      }
      // the coordinator's admission refused this update for good (its shape, values or counts): sending it again changes nothing
      LOG.error("site {}: update {} refused by the coordinator: {}", site, p.header().getIdempotencyKey(), e.getStatus().getDescription());
      outbox.remove(p);
      return;
    }
    if (!resp.getAccepted()) {
      LOG.warn("site {}: update {} refused: {}", site, p.header().getIdempotencyKey(), resp.getMessage());
    } else if (resp.getDuplicate()) {
      LOG.info("site {}: update {} was already delivered", site, p.header().getIdempotencyKey());
    }
    // accepted, duplicate or refused for good: it leaves the outbox
    outbox.remove(p);
    if (resp.getAccepted()) {
      onAccepted.accept(p);
    }
  }

  /** Sends what the outbox holds (left by an earlier session or process); stops at the first failure. */
  public void deliverPending() {
    for (Outbox.Pending p : outbox.pending()) {
      try {
        deliver(p);
      } catch (RuntimeException e) {
        LOG.warn("site {}: outbox delivery of {} deferred: {}", site, p.header().getIdempotencyKey(), e.getMessage());
        return;
      }
    }
  }
}
