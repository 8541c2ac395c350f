package io.fedmesh.edge.client;

import io.fedmesh.common.codec.ModelPatch;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;

/**
 * One download that named an older version the agent holds: the coordinator answers with a patch
 * of it (only the parameters that changed) or, when that would not be smaller, with the whole
 * model. Read in one go; anything short, out of order or not matching its digest is refused, and
 * the caller downloads the model in full (resumably) instead.
 */
final class PatchedDownload {
  /** The model, its SHA-256 (hex), and how many bytes crossed the link for it. */
  record Result(ModelSpec spec, byte[] f32, String sha256, long wireBytes) {}

  private PatchedDownload() {}

  /**
   * @param chunks the answer to a request carrying have_version and have_sha256, from offset 0
   * @param held the bytes of the held version
   */
  static Result read(Iterator<ModelChunk> chunks, byte[] held) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ModelSpec spec = null;
    Boolean patch = null;
    io.fedmesh.proto.federation.v1.PatchFormat format = null;
    String sha256 = "";
    long total = -1;
    boolean last = false;
    while (chunks.hasNext()) {
      ModelChunk c = chunks.next();
      if (patch == null) {
        patch = c.getPatch();
        format = c.getPatchFormat();
        sha256 = c.getSha256();
      } else if (patch != c.getPatch() || format != c.getPatchFormat()) {
        throw new IllegalStateException("a model download mixed patch and model chunks, or patch formats");
      }
      if (c.getUnchanged() || c.getOffset() != buffer.size()) {
        throw new IllegalStateException("model chunk at offset " + c.getOffset() + " after " + buffer.size() + " bytes");
      }
      if (c.hasModel()) {
        spec = c.getModel();
      }
      total = c.getTotalBytes();
      buffer.writeBytes(c.getData().toByteArray());
      last |= c.getLast();
    }
    if (!last || buffer.size() != total || spec == null) {
      throw new IllegalStateException("the model download ended after " + buffer.size() + " of " + total + " bytes");
    }
    byte[] bytes = buffer.toByteArray();
    if (Boolean.TRUE.equals(patch)) { // apply checks the result against sha256: no need to hash it again
      return new Result(spec, ModelPatch.apply(held, new ModelPatch.Patch(ModelPatch.fromProto(format), bytes), sha256), sha256,
          bytes.length);
    }
    return new Result(spec, bytes, io.fedmesh.common.codec.Digests.sha256Hex(bytes), bytes.length);
  }
}
