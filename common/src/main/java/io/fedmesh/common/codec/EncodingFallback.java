package io.fedmesh.common.codec;

/**
 * The encoding a site actually sends: the one its assignment asks for, unless those values cannot
 * survive it. fp16 overflows to infinity above 65504, and Q8's per-block scale overflows when a
 * block spans more than a float's range; the coordinator refuses non-finite weights, so sending
 * them would lose the round's work. A wider encoding costs bytes, never the update.
 */
public final class EncodingFallback {
  /** The largest finite fp16 value. */
  static final float F16_MAX = 65504f;

  private EncodingFallback() {}

  public static UpdateEncoding forValues(float[] values, UpdateEncoding wanted) {
    return forValues(values, 0, values.length, wanted);
  }

  /** The same for {@code values[from, to)} (one tensor of an update), without copying them. */
  public static UpdateEncoding forValues(float[] values, int from, int to, UpdateEncoding wanted) {
    return switch (wanted) {
      case F32 -> UpdateEncoding.F32;
      case F16 -> fitsF16(values, from, to) ? UpdateEncoding.F16 : UpdateEncoding.F32;
      case Q8 -> fitsQ8(values, from, to) ? UpdateEncoding.Q8 : UpdateEncoding.F32;
      case TOPK -> UpdateEncoding.TOPK; // values are sent as they are: finite weights, finite (or refused) deltas
    };
  }

  private static boolean fitsF16(float[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!(Math.abs(values[i]) <= F16_MAX)) {
        return false;
      }
    }
    return true;
  }

  private static boolean fitsQ8(float[] values, int from, int to) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    return to == from || Float.isFinite(max - min); // every block's range is within the whole range
  }
}
