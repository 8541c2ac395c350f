package io.fedmesh.common.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A model version as a patch of another: the parameters whose float32 bits differ, as ascending
 * int32 indices and then the new float32 values (8 bytes an entry), so a site that holds the
 * older version downloads only what changed. Values are replaced, not added, so the result is the
 * newer version bit for bit, which its SHA-256 then proves.
 */
public final class ModelPatch {
  /** A patch is sent only when it is at most this share of the full model's bytes. */
  public static final double MAX_SHARE = 0.75;

  private ModelPatch() {}

  /** The patch from {@code from} to {@code to} (little-endian float32 bytes), or empty when it would not be smaller. */
  public static Optional<byte[]> between(byte[] from, byte[] to) {
    if (from.length != to.length || to.length % 4 != 0) {
      return Optional.empty();
    }
    ByteBuffer a = ByteBuffer.wrap(from).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer b = ByteBuffer.wrap(to).order(ByteOrder.LITTLE_ENDIAN);
    int n = to.length / 4;
    int changed = 0;
    for (int i = 0; i < n; i++) {
      changed += a.getInt(4 * i) != b.getInt(4 * i) ? 1 : 0;
    }
    if (8L * changed > MAX_SHARE * to.length) {
      return Optional.empty();
    }
    ByteBuffer out = ByteBuffer.allocate(8 * changed).order(ByteOrder.LITTLE_ENDIAN);
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (a.getInt(4 * i) != b.getInt(4 * i)) {
        out.putInt(4 * j, i);
        out.putInt(4 * changed + 4 * j, b.getInt(4 * i));
        j++;
      }
    }
    return Optional.of(out.array());
  }

  /**
   * {@code base} with the patch applied, checked: whole entries, indices ascending and within the
   * model, and the result's SHA-256 (hex) must be {@code sha256}. {@code base} is not changed.
   */
  public static byte[] apply(byte[] base, byte[] patch, String sha256) {
    if (patch.length % 8 != 0) {
      throw new IllegalArgumentException("a model patch is whole 8-byte entries, got " + patch.length + " bytes");
    }
    int k = patch.length / 8;
    int n = base.length / 4;
    byte[] out = base.clone();
    ByteBuffer p = ByteBuffer.wrap(patch).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer w = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    int previous = -1;
    for (int j = 0; j < k; j++) {
      int index = p.getInt(4 * j);
      if (index <= previous || index >= n) {
        throw new IllegalArgumentException("model patch entry " + j + " names parameter " + index
            + ": indices must be ascending, unique and below " + n);
      }
      w.putInt(4 * index, p.getInt(4 * k + 4 * j));
      previous = index;
    }
    String got = Digests.sha256Hex(out);
    if (!got.equals(sha256)) {
      throw new IllegalArgumentException("the patched model's SHA-256 " + got + " is not the version's " + sha256);
    }
    return out;
  }
}
