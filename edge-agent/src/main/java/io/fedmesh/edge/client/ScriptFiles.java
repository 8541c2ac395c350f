package io.fedmesh.edge.client;

import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/** The TorchScript files torchscript models name, fetched from the coordinator and kept by digest under the work dir. */
final class ScriptFiles {
  /** Where downloaded TorchScript files are kept, by digest; null without a work dir. */
  private final java.nio.file.Path scripts;
  private final CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private final ResumableStream stream;

  ScriptFiles(java.nio.file.Path scripts, CoordinatorGrpc.CoordinatorBlockingStub blocking, ResumableStream stream) {
    this.scripts = scripts;
    this.blocking = blocking;
    this.stream = stream;
  }

  /**
   * Fetches the TorchScript file a torchscript model names, once per digest: never more bytes than
   * the spec declares, and registered only when its SHA-256 is the spec's.
   */
  void ensure(String training, String version, String site, io.fedmesh.common.model.ModelDescription.ScriptRef ref) {
    if (io.fedmesh.models.TorchScripts.path(ref).isPresent()) {
      return;
    }
    if (ref.bytes() > io.fedmesh.models.TorchScripts.MAX_BYTES || scripts == null) {
      throw new IllegalStateException("cannot take the TorchScript file of " + training + " (" + ref.bytes() + " bytes): "
          + (scripts == null ? "this agent has no --work-dir" : "more than " + io.fedmesh.models.TorchScripts.MAX_BYTES));
    }
    java.nio.file.Path kept = scripts.resolve(ref.sha256() + ".pt");
    try { // kept from before a restart: taken again only if it still has its digest
      if (java.nio.file.Files.isRegularFile(kept) && io.fedmesh.models.TorchScripts.register(kept).equals(ref)) {
        return;
      }
    } catch (java.io.IOException e) {
      // unreadable: fetched again below
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    stream.read("TorchScript file sha256:" + ref.shortDigest(), buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadArchitecture(
            io.fedmesh.proto.federation.v1.DownloadArchitectureRequest.newBuilder().setTraining(training).setModelVersion(version)
                .setSiteName(site).setSha256(ref.sha256()).setOffset(offset).build()),
        (io.fedmesh.proto.federation.v1.ArchitectureChunk c) -> {
          if (c.getTotalBytes() != ref.bytes() || c.getOffset() + c.getData().size() > ref.bytes()) {
            throw Status.DATA_LOSS.withDescription("the TorchScript file is not the " + ref.bytes() + " bytes the model spec declares")
                .asRuntimeException();
          }
          return new ResumableStream.Piece(c.getOffset(), c.getTotalBytes(), c.getData(), c.getLast());
        });
    try {
      java.nio.file.Files.createDirectories(scripts);
      java.nio.file.Path file = scripts.resolve(ref.sha256() + ".pt");
      io.fedmesh.common.io.AtomicFiles.write(file, buffer.toByteArray());
      if (!io.fedmesh.models.TorchScripts.register(file).equals(ref)) {
        java.nio.file.Files.deleteIfExists(file);
        throw new IllegalStateException("the TorchScript file received for " + training + " does not have the digest sha256:"
            + ref.sha256() + " its model spec names: refused");
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot store the TorchScript file under " + scripts + ": " + e.getMessage(), e);
    }
  }

}
