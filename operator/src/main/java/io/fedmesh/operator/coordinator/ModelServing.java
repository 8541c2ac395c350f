package io.fedmesh.operator.coordinator;

import com.google.protobuf.ByteString;
import io.fedmesh.common.grpc.ChunkPump;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.FetchSimulationDataRequest;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.SimulationDataChunk;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.ObjIntConsumer;

/**
 * Serves the published global models and simulation samples to agents, in resumable chunks, as
 * fast as each agent reads them (gRPC flow control: a slow link never queues a whole model here).
 */
final class ModelServing {
  private final Federation federation;
  /** Counts bytes sent per training. */
  private final ObjIntConsumer<String> sent;
  private final ScriptBytes scripts = new ScriptBytes();
  private final ModelPatches patches = new ModelPatches();

  ModelServing(Federation federation, ObjIntConsumer<String> sent) {
    this.federation = federation;
    this.sent = sent;
  }

  void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> response) {
    PublishedModels.Published current = federation.models.get(request.getTraining()).orElse(null);
    // a serving site may want a version the rounds have moved past, or a pinned one: from the checkpoints
    PublishedModels.Published p = current != null && current.version().equals(request.getModelVersion()) ? current
        : federation.serving.checkpointed(request.getTraining(), request.getModelVersion()).orElse(null);
    if (p == null) {
      response.onError(Status.NOT_FOUND.withDescription("model version " + request.getModelVersion() + " of "
          + request.getTraining() + " is not published" + (current == null ? "" : "; current version is " + current.version()))
          .asRuntimeException());
      return;
    }
    byte[] data = p.f32();
    if (request.getOffset() == 0 && p.sha256().equals(request.getHaveSha256())) {
      // the site holds exactly these bytes (it served this version): say so, send none
      response.onNext(ModelChunk.newBuilder().setModelVersion(p.version()).setModel(p.spec().toProto()).setTotalBytes(data.length)
          .setUnchanged(true).setLast(true).build());
      response.onCompleted();
      return;
    }
    io.fedmesh.common.codec.ModelPatch.Patch found = request.getOffset() == 0 ? patchFor(request, p).orElse(null) : null;
    if (found != null) { // the site holds an older version: only what changed since
      byte[] patch = found.bytes();
      var format = io.fedmesh.common.codec.ModelPatch.toProto(found.format());
      ChunkPump.serve(response, patch, 0, (offset, len, last) -> {
        ModelChunk.Builder chunk = ModelChunk.newBuilder().setModelVersion(p.version()).setOffset(offset).setTotalBytes(patch.length)
            .setData(ByteString.copyFrom(patch, offset, len)).setLast(last).setPatch(true).setPatchFormat(format).setSha256(p.sha256());
        if (offset == 0) {
          chunk.setModel(p.spec().toProto());
        }
        return chunk.build();
      }, len -> sent.accept(request.getTraining(), len));
      return;
    }
    long from = Math.max(0, Math.min(request.getOffset(), data.length));
    ChunkPump.serve(response, data, from, (offset, len, last) -> {
      ModelChunk.Builder chunk = ModelChunk.newBuilder()
          .setModelVersion(p.version())
          .setOffset(offset)
          .setTotalBytes(data.length)
          .setData(ByteString.copyFrom(data, offset, len))
          .setLast(last);
      if (offset == from) {
        chunk.setModel(p.spec().toProto()); // the first chunk of this stream carries the architecture
      }
      return chunk.build();
    }, len -> sent.accept(request.getTraining(), len));
  }

  /**
   * A patch from the version the site says it holds to {@code p}, when this coordinator holds that
   * version with the same digest (published or checkpointed) and the patch is smaller than the model.
   */
  private java.util.Optional<io.fedmesh.common.codec.ModelPatch.Patch> patchFor(DownloadModelRequest request, PublishedModels.Published p) {
    String haveVersion = request.getHaveVersion();
    if (haveVersion.isEmpty() || request.getHaveSha256().isEmpty() || haveVersion.equals(p.version())) {
      return java.util.Optional.empty();
    }
    return federation.serving.checkpointed(request.getTraining(), haveVersion)
        .filter(held -> held.sha256().equals(request.getHaveSha256()))
        .flatMap(held -> patches.between(request.getTraining(), held, p));
  }

  /**
   * The TorchScript file of the training's model, when the request names its digest (a site may
   * only fetch the architecture of a training it may download).
   */
  void downloadArchitecture(io.fedmesh.proto.federation.v1.DownloadArchitectureRequest request,
      StreamObserver<io.fedmesh.proto.federation.v1.ArchitectureChunk> response) {
    PublishedModels.Published p = federation.models.get(request.getTraining()).orElse(null);
    io.fedmesh.common.model.ModelDescription.ScriptRef ref = p == null ? null : p.spec().script();
    java.util.Optional<byte[]> file;
    try {
      file = ref == null || !ref.sha256().equals(request.getSha256()) ? java.util.Optional.empty() : scripts.of(ref);
    } catch (java.io.IOException e) {
      response.onError(Status.UNAVAILABLE.withDescription("the operator cannot serve its TorchScript file: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    if (file.isEmpty()) {
      response.onError(Status.NOT_FOUND.withDescription("training " + request.getTraining() + " has no TorchScript file sha256:"
          + request.getSha256()).asRuntimeException());
      return;
    }
    byte[] data = file.get();
    long from = Math.max(0, Math.min(request.getOffset(), data.length));
    ChunkPump.serve(response, data, from, (offset, len, last) -> io.fedmesh.proto.federation.v1.ArchitectureChunk.newBuilder()
        .setSha256(ref.sha256()).setOffset(offset).setTotalBytes(data.length).setData(ByteString.copyFrom(data, offset, len))
        .setLast(last).build(), len -> sent.accept(request.getTraining(), len));
  }

  /** The training's simulation samples for its simulation learner, from {@code offset}, in chunks. */
  void fetchSimulationData(FetchSimulationDataRequest request, StreamObserver<SimulationDataChunk> response) {
    SimulationData.Published p = federation.simulationData.get(request.getTraining()).orElse(null);
    if (p == null || !p.version().equals(request.getDataVersion())) {
      response.onError(Status.NOT_FOUND.withDescription("simulation data " + request.getDataVersion() + " of "
          + request.getTraining() + " is not published" + (p == null ? "" : "; current version is " + p.version()))
          .asRuntimeException());
      return;
    }
    byte[] data = p.csv();
    ChunkPump.serve(response, data, request.getOffset(), (offset, len, last) -> SimulationDataChunk.newBuilder()
        .setDataVersion(p.version()).setOffset(offset).setTotalBytes(data.length).setSamples(p.samples())
        .setData(ByteString.copyFrom(data, offset, len)).setLast(last).build(), len -> sent.accept(request.getTraining(), len));
  }
}
