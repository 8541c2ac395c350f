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
    return switch (wanted) {
      case F32 -> UpdateEncoding.F32;
      case F16 -> fitsF16(values) ? UpdateEncoding.F16 : UpdateEncoding.F32;
      case Q8 -> fitsQ8(values) ? UpdateEncoding.Q8 : UpdateEncoding.F32;
      case TOPK -> UpdateEncoding.TOPK; // values are sent as they are: finite weights, finite (or refused) deltas
    };
  }

  private static boolean fitsF16(float[] values) {
    for (float v : values) {
      if (!(Math.abs(v) <= F16_MAX)) {
        return false;
      }
    }
    return true;
  }

  private static boolean fitsQ8(float[] values) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return values.length == 0 || Float.isFinite(max - min); // every block's range is within the whole range
  }
}
