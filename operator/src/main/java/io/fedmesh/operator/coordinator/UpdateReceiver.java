package io.fedmesh.operator.coordinator;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One update upload: reassembles the chunks in order, decodes the update and offers it to the
 * inbox, which accepts it once per training/round/site.
 */
final class UpdateReceiver implements StreamObserver<UpdateChunk> {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateReceiver.class);
  private static final long MAX_UPDATE_BYTES = 1L << 31;

  private final Federation federation;
  private final StreamObserver<UploadUpdateResponse> response;
  private final ObjIntConsumer<String> received;
  private UpdateHeader header;
  private ByteArrayOutputStream buffer;
  private boolean failed;
  private long firstChunkNanos;

  UpdateReceiver(Federation federation, StreamObserver<UploadUpdateResponse> response, ObjIntConsumer<String> received) {
    this.federation = federation;
    this.response = response;
    this.received = received;
  }

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
      firstChunkNanos = System.nanoTime();
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
    received.accept(header.getTraining(), data.length);
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
    String namespace = header.getTraining().substring(0, Math.max(0, header.getTraining().indexOf('/')));
    // the site's time on the round: what it reports (queue, download, training), the upload as seen
    // here, and one round trip over its link for the two legs nobody times (the pushed assignment
    // out, the first chunk in)
    double rttSeconds = federation.sites.get(namespace, header.getSiteName()).map(x -> x.link().getRttMs() / 1000.0).orElse(0.0);
    double work = header.getReceivedToUploadSeconds() > 0
        ? header.getReceivedToUploadSeconds() + (System.nanoTime() - firstChunkNanos) / 1e9 + rttSeconds : Double.NaN;
    ClientUpdate update = new ClientUpdate(header.getSiteName(), weights, header.getSamples(), header.getTrainLoss(),
        header.getLocalMetric(), data.length, work);
    // withdraw first: once the inbox accepts, the round may close and the next one publish anew
    UpdateInbox.Result result = federation.inbox.offer(header.getTraining(), header.getRound(), expectedKey, update,
        () -> federation.assignments.withdraw(namespace + "/" + header.getSiteName(), header.getTraining()));
    if (result.outcome() == UpdateInbox.Outcome.ACCEPTED) {
      LOG.info("{}: update for round {} received from {} ({} bytes, {} samples, loss {})", header.getTraining(),
          header.getRound(), header.getSiteName(), data.length, header.getSamples(), String.format("%.4f", header.getTrainLoss()));
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
}
