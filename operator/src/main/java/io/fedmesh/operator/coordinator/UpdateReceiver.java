package io.fedmesh.operator.coordinator;

import io.fedmesh.common.codec.SparseDelta;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One update upload: admits its header before reading any payload ({@link UpdateAdmission}),
 * reassembles the chunks in order within the declared size, decodes and checks the weights, and
 * offers the update to the inbox, which accepts it once per training/round/site. A resend of an
 * accepted update is acknowledged without reading it.
 */
final class UpdateReceiver implements StreamObserver<UpdateChunk> {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateReceiver.class);

  private final Federation federation;
  private final UpdateAdmission admission;
  private final StreamObserver<UploadUpdateResponse> response;
  private final ObjIntConsumer<String> received;
  private UpdateHeader header;
  private ByteArrayOutputStream buffer;
  private boolean duplicate;
  private long receivedBytes;
  private boolean failed;
  private long firstChunkNanos;
  /** Bytes held in the federation's upload window; 0 once given back. */
  private long reserved;

  UpdateReceiver(Federation federation, StreamObserver<UploadUpdateResponse> response, ObjIntConsumer<String> received) {
    this.federation = federation;
    this.admission = new UpdateAdmission(federation);
    this.response = response;
    this.received = received;
  }

  @Override
  public void onNext(UpdateChunk chunk) {
    if (failed) {
      return;
    }
    if (header == null && !start(chunk)) {
      return;
    }
    receivedBytes += chunk.getData().size();
    if (duplicate) {
      return; // acknowledged at the end, never stored twice
    }
    if (chunk.getOffset() != buffer.size()) {
      fail("chunk at offset " + chunk.getOffset() + " but " + buffer.size() + " bytes received");
      return;
    }
    if (buffer.size() + (long) chunk.getData().size() > header.getTotalBytes()) {
      fail("the update is longer than its total_bytes " + header.getTotalBytes());
      return;
    }
    buffer.writeBytes(chunk.getData().toByteArray());
  }

  /** The first chunk: its header decides whether anything is read at all. */
  private boolean start(UpdateChunk chunk) {
    if (!chunk.hasHeader()) {
      fail("the first chunk of an update must carry its header");
      return false;
    }
    header = chunk.getHeader();
    firstChunkNanos = System.nanoTime();
    if (federation.inbox.seen(header.getTraining(), header.getIdempotencyKey())) {
      duplicate = true;
      return true;
    }
    Optional<String> refused = admission.header(header);
    if (refused.isPresent()) {
      observeLate();
      fail(refused.get());
      return false;
    }
    long reservation = UploadWindow.reservation(header.getNumParameters(), header.getTotalBytes());
    if (!federation.uploads.tryOpen(reservation)) {
      busy();
      return false;
    }
    reserved = reservation;
    buffer = new ByteArrayOutputStream((int) header.getTotalBytes()); // admitted: at most the model's size
    return true;
  }

  /** The window is full: not a refusal (nothing is recorded, the site is still waited for), a retry later. */
  private void busy() {
    failed = true;
    LOG.info("update {} deferred: {} of the {} bytes uploads may hold are in flight", header.getIdempotencyKey(),
        federation.uploads.inFlightBytes(), federation.uploads.limitBytes());
    response.onError(Status.UNAVAILABLE.withDescription("the coordinator is receiving other updates (its upload window is full);"
        + " send " + header.getIdempotencyKey() + " again shortly").asRuntimeException());
  }

  /** Gives the upload's memory back to the window, once. */
  private void release() {
    if (reserved > 0) {
      federation.uploads.close(reserved);
      reserved = 0;
    }
  }

  @Override
  public void onError(Throwable t) {
    release();
    buffer = null;
    LOG.debug("upload aborted by the site: {}", t.getMessage());
  }

  @Override
  public void onCompleted() {
    try {
      complete();
    } finally {
      release();
    }
  }

  private void complete() {
    if (failed) {
      return;
    }
    if (header == null) {
      fail("empty upload");
      return;
    }
    received.accept(header.getTraining(), (int) Math.min(Integer.MAX_VALUE, receivedBytes));
    if (duplicate) {
      respond(UpdateInbox.Outcome.DUPLICATE, "already received " + header.getIdempotencyKey());
      return;
    }
    if (buffer.size() != header.getTotalBytes()) {
      fail("the update ended after " + buffer.size() + " of its total_bytes " + header.getTotalBytes());
      return;
    }
    float[] weights;
    try {
      weights = decode(buffer.toByteArray());
    } catch (IllegalArgumentException e) {
      fail("update " + header.getIdempotencyKey() + ": " + e.getMessage());
      return;
    }
    Optional<String> bad = UpdateAdmission.weights(weights);
    if (bad.isPresent()) {
      fail(bad.get());
      return;
    }
    offer(weights);
  }

  /**
   * The weights the payload stands for: decoded, or for a top-k delta its base plus the delta. The
   * base is the published model, or, for a BufferedAsync update trained from an older version, that
   * version's checkpoint.
   */
  private float[] decode(byte[] payload) {
    UpdateEncoding encoding = UpdateEncoding.fromProto(header.getEncoding());
    if (header.getTensorEncodingsCount() > 0) { // admitted against the published model's layout
      var layout = federation.models.get(header.getTraining()).map(p -> p.spec().layout()).orElseThrow(() ->
          new IllegalArgumentException("no model is published for it any more (its round closed while it arrived)"));
      return io.fedmesh.common.codec.TensorEncodings.decode(payload, layout, UpdateAdmission.tensorEncodings(header));
    }
    if (!encoding.isDelta()) {
      return UpdateCodec.decode(payload, encoding, (int) header.getNumParameters());
    }
    String training = header.getTraining();
    String version = header.getBaseModelVersion();
    PublishedModels.Published base = federation.models.get(training).filter(p -> p.version().equals(version))
        .or(() -> federation.serving.checkpointed(training, version))
        .orElseThrow(() -> new IllegalArgumentException("its base " + version + " is neither the published model nor checkpointed"
            + " (its round closed while it arrived, or the checkpoint is gone)"));
    float[] weights = UpdateCodec.decode(base.f32(), UpdateEncoding.F32, (int) header.getNumParameters());
    SparseDelta.addTo(weights, payload, header.getSparseValues()); // a copy of the base: a refusal changes nothing held
    return weights;
  }

  private void offer(float[] weights) {
    String key = header.getIdempotencyKey();
    String namespace = header.getTraining().substring(0, Math.max(0, header.getTraining().indexOf('/')));
    // the site's time on the round: what it reports (queue, download, training), the upload as seen
    // here, and one round trip over its link for the two legs nobody times (the pushed assignment
    // out, the first chunk in)
    double rttSeconds = federation.sites.get(namespace, header.getSiteName()).map(x -> x.link().getRttMs() / 1000.0).orElse(0.0);
    double work = header.getReceivedToUploadSeconds() > 0
        ? header.getReceivedToUploadSeconds() + (System.nanoTime() - firstChunkNanos) / 1e9 + rttSeconds : Double.NaN;
    ClientUpdate update = new ClientUpdate(header.getSiteName(), weights, header.getSamples(), header.getTrainLoss(),
        header.getLocalMetric(), buffer.size(), work, header.getHeldOutSamples() > 0
            ? new ClientUpdate.HeldOut(header.getHeldOutMetric(), header.getHeldOutLoss(), header.getHeldOutSamples()) : null);
    // withdraw first: once the inbox accepts, the round may close and the next one publish anew
    UpdateInbox.Result result;
    try {
      result = federation.inbox.offer(header.getTraining(), header.getRound(), key, update,
          () -> federation.assignments.withdraw(namespace + "/" + header.getSiteName(), header.getTraining()));
    } catch (java.io.UncheckedIOException e) {
      // not on disk, so not acknowledged: the agent keeps it in its outbox and sends it again
      failed = true;
      LOG.error("{}: update {} not persisted, not acknowledged: {}", header.getTraining(), key, e.getMessage());
      response.onError(Status.UNAVAILABLE.withDescription("the coordinator could not persist update " + key
          + " (checkpoint volume full or read-only?); send it again later").asRuntimeException());
      return;
    }
    if (result.outcome() == UpdateInbox.Outcome.RETRY_LATER) {
      // not refused, not kept: the agent's outbox keeps it and sends it again (a retried round then takes it)
      response.onError(Status.UNAVAILABLE.withDescription(result.message()).asRuntimeException());
      return;
    }
    if (result.outcome() == UpdateInbox.Outcome.ACCEPTED) {
      observeRound(namespace, work, buffer.size(), (System.nanoTime() - firstChunkNanos) / 1e9);
      LOG.info("{}: update for round {} received from {} ({} bytes, {} samples, loss {})", header.getTraining(),
          header.getRound(), header.getSiteName(), buffer.size(), header.getSamples(), String.format("%.4f", header.getTrainLoss()));
    }
    respond(result.outcome(), result.message());
  }

  /**
   * A site's update refused before it was read, most often one that came after its round closed (a
   * straggler cut off by the deadline): its training still happened, so its measured compute rate
   * and time feed its forecast, which would otherwise never learn how slow the site is.
   */
  private void observeLate() {
    int slash = header.getTraining().indexOf('/');
    if (slash <= 0 || header.getTrainedSamples() <= 0 || !(header.getTrainSeconds() > 0) || !(header.getReceivedToUploadSeconds() > 0)) {
      return;
    }
    String namespace = header.getTraining().substring(0, slash);
    double rtt = federation.sites.get(namespace, header.getSiteName()).map(x -> x.link().getRttMs() / 1000.0).orElse(0.0);
    // the upload never took place: its time is left out of what was observed
    observeRound(namespace, header.getReceivedToUploadSeconds() + rtt, Math.max(0, header.getTotalBytes()), Double.NaN);
  }

  /** Hands the round this update ends to the site's forecast: what the site measured and what was moved. */
  private void observeRound(String namespace, double workSeconds, long uploadBytes, double uploadSeconds) {
    var link = federation.sites.get(namespace, header.getSiteName()).map(SiteSession::link).orElse(null);
    double samplesPerSecond = header.getTrainSeconds() > 0 && header.getTrainedSamples() > 0
        ? header.getTrainedSamples() / header.getTrainSeconds() : 0;
    // the agent times its whole upload (first byte out to the answer); seen from here the first chunk's
    // time on the wire is missing, which overstates a small update's throughput. So the agent's figure
    // (its previous upload, a heartbeat old) when there is one, else this upload as it arrived here.
    double agentMbps = link == null ? 0 : link.getUploadMbps();
    double uploadMbps = agentMbps > 0 ? agentMbps : uploadSeconds > 0 ? uploadBytes * 8 / uploadSeconds / 1e6 : 0;
    federation.forecasts.observed(namespace + "/" + header.getSiteName(), new io.fedmesh.operator.sites.RoundTimeForecaster.Observation(
        header.getTraining(), header.getRound(), header.getTrainedSamples(), samplesPerSecond, header.getNumParameters() * 4L,
        link == null ? 0 : link.getBandwidthMbps(), uploadBytes, uploadMbps, link == null ? -1 : link.getRttMs(),
        encodingName(), workSeconds));
  }

  /** "q8", or "q8 per tensor, 3 of 10 tensors f32" for an update encoded tensor by tensor. */
  private String encodingName() {
    UpdateEncoding asked = UpdateEncoding.fromProto(header.getEncoding());
    return header.getTensorEncodingsCount() == 0 ? asked.name().toLowerCase()
        : io.fedmesh.common.codec.TensorEncodings.describe(asked, UpdateAdmission.tensorEncodings(header));
  }

  private void respond(UpdateInbox.Outcome outcome, String message) {
    response.onNext(UploadUpdateResponse.newBuilder()
        .setAccepted(outcome != UpdateInbox.Outcome.REJECTED)
        .setDuplicate(outcome == UpdateInbox.Outcome.DUPLICATE)
        .setMessage(message)
        .setReceivedBytes(receivedBytes)
        .build());
    response.onCompleted();
  }

  private void fail(String why) {
    failed = true;
    release();
    buffer = null;
    LOG.warn("update refused{}: {}", header == null ? "" : " (" + header.getSiteName() + ")", why);
    if (header != null && federation.inbox.refuse(header.getTraining(), header.getRound(), header.getSiteName(), why)) {
      // on record for the round (the header named its open round and a selected site); not waited for, not asked again
      String namespace = header.getTraining().substring(0, Math.max(0, header.getTraining().indexOf('/')));
      federation.assignments.withdraw(namespace + "/" + header.getSiteName(), header.getTraining());
    }
    response.onError(Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException());
  }
}
