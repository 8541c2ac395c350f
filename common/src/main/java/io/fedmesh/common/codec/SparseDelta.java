package io.fedmesh.common.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Top-k sparsification of an update's delta against its base model ({@link UpdateEncoding#TOPK}):
 * the k entries of largest magnitude as (index, value) pairs, indices strictly ascending, all
 * indices first and then all values, little-endian int32 and float32: 8 bytes per kept entry. The
 * format is checked entry by entry when applied, because the bytes come from a peer.
 */
public final class SparseDelta {
  /** Bytes per kept entry: an int32 index and a float32 value. */
  public static final int BYTES_PER_VALUE = 8;
  /** The largest fraction a top-k update may keep: beyond a half, dense fp32 is smaller. */
  public static final double MAX_FRACTION = 0.5;

  private SparseDelta() {}

  public static long encodedSize(long values) {
    return BYTES_PER_VALUE * values;
  }

  /** The most values a top-k update of {@code parameters} may carry (a half, at least one). */
  public static long maxValues(long parameters) {
    return Math.max(1, (long) (parameters * MAX_FRACTION));
  }

  /** The values kept at {@code fraction} of {@code parameters}: ceil, at least one, at most {@link #maxValues}. */
  public static int valuesFor(int parameters, double fraction) {
    if (!(fraction > 0) || fraction > MAX_FRACTION) {
      throw new IllegalArgumentException("topk_fraction must be in (0, " + MAX_FRACTION + "], got " + fraction);
    }
    long k = (long) Math.ceil(fraction * parameters);
    return (int) Math.max(1, Math.min(maxValues(parameters), k));
  }

  /** The k entries of {@code delta} of largest magnitude; ties at the threshold go to the lower indices. */
  public static byte[] encode(float[] delta, int k) {
    if (k < 1 || k > delta.length) {
      throw new IllegalArgumentException("k must be in [1, " + delta.length + "], got " + k);
    }
    float threshold = kthLargestMagnitude(delta, k);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedSize(k))).order(ByteOrder.LITTLE_ENDIAN);
    int above = 0;
    for (float v : delta) {
      if (Math.abs(v) > threshold) {
        above++;
      }
    }
    int atThreshold = k - above; // how many entries equal to the threshold still fit
    int[] indices = new int[k];
    int n = 0;
    for (int i = 0; i < delta.length && n < k; i++) {
      float m = Math.abs(delta[i]);
      if (m > threshold || (m == threshold && atThreshold-- > 0)) {
        indices[n++] = i;
      }
    }
    for (int i : indices) {
      out.putInt(i);
    }
    for (int i : indices) {
      out.putFloat(delta[i]);
    }
    return out.array();
  }

  /**
   * Adds the encoded delta to {@code base} in place. Refuses, naming the entry, a payload whose size
   * is not {@code values} entries, an index out of range or not above the one before it, and a
   * value that is not finite; on a refusal {@code base} may be partly changed, so pass a copy.
   */
  public static void addTo(float[] base, byte[] data, long values) {
    if (values < 1 || values > base.length) {
      throw new IllegalArgumentException("sparse_values must be in [1, " + base.length + "], got " + values);
    }
    if (data.length != encodedSize(values)) {
      throw new IllegalArgumentException("expected " + encodedSize(values) + " bytes for " + values + " top-k values, got "
          + data.length);
    }
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int k = (int) values;
    int valuesAt = 4 * k;
    int previous = -1;
    for (int j = 0; j < k; j++) {
      int index = in.getInt(4 * j);
      if (index <= previous || index >= base.length) {
        throw new IllegalArgumentException("top-k index " + j + " is " + index + ": indices must be ascending, unique and below "
            + base.length);
      }
      float v = in.getFloat(valuesAt + 4 * j);
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("top-k value " + j + " (parameter " + index + ") is " + v);
      }
      base[index] += v;
      previous = index;
    }
  }

  /**
   * Sets to zero the entries of {@code delta} that {@code data}, its own encoding by {@link #encode},
   * carries: what stays is what was not sent (the sent values are delta's own, so this is delta
   * minus what was sent, without a dense copy of it).
   */
  public static void clearEncoded(float[] delta, byte[] data, int k) {
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < k; j++) {
      delta[in.getInt(4 * j)] = 0f;
    }
  }

  /** The k-th largest |x|, by quickselect on a copy: linear in the length on average. */
  static float kthLargestMagnitude(float[] x, int k) {
    float[] a = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      a[i] = Math.abs(x[i]);
    }
    int target = a.length - k; // the k-th largest is the (n-k)-th smallest
    int lo = 0;
    int hi = a.length - 1;
    java.util.SplittableRandom random = new java.util.SplittableRandom(a.length);
    while (lo < hi) {
      float pivot = a[lo + random.nextInt(hi - lo + 1)];
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) { // three-way partition: many equal magnitudes (zeros) stay linear
        if (a[i] < pivot) {
          swap(a, lt++, i++);
        } else if (a[i] > pivot) {
          swap(a, i, gt--);
        } else {
          i++;
        }
      }
      if (target < lt) {
        hi = lt - 1;
      } else if (target > gt) {
        lo = gt + 1;
      } else {
        return pivot;
      }
    }
    return a[target];
  }

  private static void swap(float[] a, int i, int j) {
    float t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** The dense delta a payload decodes to (for tests and the agent's residual): zeros where nothing was sent. */
  public static float[] toDense(byte[] data, long values, int parameters) {
    float[] dense = new float[parameters];
    addTo(dense, data, values);
    return dense;
  }
}
