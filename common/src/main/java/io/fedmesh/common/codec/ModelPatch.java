package io.fedmesh.common.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A model version as a patch of another: the parameters whose float32 bits differ and their new
 * float32 values, so a site that holds the older version downloads only what changed. The changed
 * parameters are named by ascending int32 indices ({@link Format#INDEXED}, 8 bytes an entry) or by
 * a bitmap of every parameter ({@link Format#BITMAP}, an eighth of a byte a parameter plus 4 bytes
 * an entry), whichever is smaller: a round whose sites sent top-k deltas changes a third of the
 * model, where the bitmap halves the indexed patch. Values are replaced, not added, so the result
 * is the newer version bit for bit, which its SHA-256 then proves.
 */
public final class ModelPatch {
  /** A patch is sent only when it is at most this share of the full model's bytes. */
  public static final double MAX_SHARE = 0.75;

  /** How a patch names the parameters it changes. */
  public enum Format { INDEXED, BITMAP }

  /** A patch in its format. */
  public record Patch(Format format, byte[] bytes) {}

  private ModelPatch() {}

  /** The patch from {@code from} to {@code to} (little-endian float32 bytes), or empty when it would not be smaller. */
  public static Optional<Patch> between(byte[] from, byte[] to) {
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
    long indexed = 8L * changed;
    long bitmap = bitmapBytes(n) + 4L * changed;
    if (Math.min(indexed, bitmap) > MAX_SHARE * to.length) {
      return Optional.empty();
    }
    return Optional.of(indexed <= bitmap ? indexed(a, b, n, changed) : bitmap(a, b, n, changed));
  }

  private static Patch indexed(ByteBuffer a, ByteBuffer b, int n, int changed) {
    ByteBuffer out = ByteBuffer.allocate(8 * changed).order(ByteOrder.LITTLE_ENDIAN);
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (a.getInt(4 * i) != b.getInt(4 * i)) {
        out.putInt(4 * j, i);
        out.putInt(4 * changed + 4 * j, b.getInt(4 * i));
        j++;
      }
    }
    return new Patch(Format.INDEXED, out.array());
  }

  private static Patch bitmap(ByteBuffer a, ByteBuffer b, int n, int changed) {
    int bits = bitmapBytes(n);
    ByteBuffer out = ByteBuffer.allocate(bits + 4 * changed).order(ByteOrder.LITTLE_ENDIAN);
    byte[] map = out.array();
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (a.getInt(4 * i) != b.getInt(4 * i)) {
        map[i >>> 3] |= (byte) (1 << (i & 7));
        out.putInt(bits + 4 * j, b.getInt(4 * i));
        j++;
      }
    }
    return new Patch(Format.BITMAP, map);
  }

  static int bitmapBytes(int parameters) {
    return (parameters + 7) / 8;
  }

  /**
   * {@code base} with the patch applied, checked: whole entries, parameters named once each and
   * within the model, and the result's SHA-256 (hex) must be {@code sha256}. {@code base} is not changed.
   */
  public static byte[] apply(byte[] base, Patch patch, String sha256) {
    byte[] out = base.clone();
    ByteBuffer w = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer p = ByteBuffer.wrap(patch.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int n = base.length / 4;
    if (patch.format() == Format.BITMAP) {
      applyBitmap(w, p, patch.bytes(), n);
    } else {
      applyIndexed(w, p, patch.bytes(), n);
    }
    String got = Digests.sha256Hex(out);
    if (!got.equals(sha256)) {
      throw new IllegalArgumentException("the patched model's SHA-256 " + got + " is not the version's " + sha256);
    }
    return out;
  }

  private static void applyIndexed(ByteBuffer w, ByteBuffer p, byte[] patch, int n) {
    if (patch.length % 8 != 0) {
      throw new IllegalArgumentException("a model patch is whole 8-byte entries, got " + patch.length + " bytes");
    }
    int k = patch.length / 8;
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
  }

  private static void applyBitmap(ByteBuffer w, ByteBuffer p, byte[] patch, int n) {
    int bits = bitmapBytes(n);
    if (patch.length < bits) {
      throw new IllegalArgumentException("a bitmap patch of " + n + " parameters starts with " + bits + " bytes of bitmap, got "
          + patch.length + " bytes");
    }
    int k = 0;
    for (int i = 0; i < bits; i++) {
      k += Integer.bitCount(patch[i] & 0xFF);
    }
    if ((n & 7) != 0 && (patch[bits - 1] & 0xFF) >>> (n & 7) != 0) {
      throw new IllegalArgumentException("a bitmap patch names parameters past the model's " + n);
    }
    if (patch.length != bits + 4L * k) {
      throw new IllegalArgumentException("a bitmap patch naming " + k + " parameters is " + (bits + 4L * k) + " bytes, got "
          + patch.length);
    }
    int j = 0;
    for (int i = 0; i < n; i++) {
      if ((patch[i >>> 3] & (1 << (i & 7))) != 0) {
        w.putInt(4 * i, p.getInt(bits + 4 * j));
        j++;
      }
    }
  }

  /** The wire form of a format. */
  public static io.fedmesh.proto.federation.v1.PatchFormat toProto(Format f) {
    return f == Format.BITMAP ? io.fedmesh.proto.federation.v1.PatchFormat.PATCH_FORMAT_BITMAP
        : io.fedmesh.proto.federation.v1.PatchFormat.PATCH_FORMAT_INDEXED;
  }

  /** A format from the wire; an unknown one is refused (the download then goes in full). */
  public static Format fromProto(io.fedmesh.proto.federation.v1.PatchFormat f) {
    return switch (f) {
      case PATCH_FORMAT_INDEXED -> Format.INDEXED;
      case PATCH_FORMAT_BITMAP -> Format.BITMAP;
      default -> throw new IllegalArgumentException("unknown patch_format " + f);
    };
  }
}
