package io.fedmesh.common.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Encodes model weights for the wire and back. Stateless and thread-safe. */
public final class UpdateCodec {
  /** Values per quantization block of Q8 (each block carries its own min and scale). */
  public static final int Q8_BLOCK = 4096;

  private UpdateCodec() {}

  public static long encodedSize(int count, UpdateEncoding encoding) {
    return switch (encoding) {
      case F32 -> 4L * count;
      case F16 -> 2L * count;
      case Q8 -> count + 8L * ((count + Q8_BLOCK - 1) / Q8_BLOCK);
      case TOPK -> throw new IllegalArgumentException("a top-k update's size depends on its sparse_values: SparseDelta.encodedSize");
    };
  }

  public static byte[] encode(float[] values, UpdateEncoding encoding) {
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedSize(values.length, encoding))).order(ByteOrder.LITTLE_ENDIAN);
    encodeInto(values, 0, values.length, encoding, out);
    return out.array();
  }

  /** Writes {@code values[from, to)} in {@code encoding} at {@code out}'s position (little-endian), as one run of blocks. */
  public static void encodeInto(float[] values, int from, int to, UpdateEncoding encoding, ByteBuffer out) {
    switch (encoding) {
      case TOPK -> throw new IllegalArgumentException("a top-k update is a delta: SparseDelta.encode");
      case F32 -> {
        out.asFloatBuffer().put(values, from, to - from); // the view keeps out's byte order
        out.position(out.position() + 4 * (to - from));
      }
      case F16 -> {
        for (int i = from; i < to; i++) {
          out.putShort(Float.floatToFloat16(values[i]));
        }
      }
      case Q8 -> {
        for (int start = from; start < to; start += Q8_BLOCK) {
          int end = Math.min(to, start + Q8_BLOCK);
          float min = Float.POSITIVE_INFINITY;
          float max = Float.NEGATIVE_INFINITY;
          for (int i = start; i < end; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
          }
          float scale = (max - min) / 255f;
          out.putFloat(min).putFloat(scale);
          for (int i = start; i < end; i++) {
            int q = scale == 0 ? 0 : Math.round((values[i] - min) / scale);
            out.put((byte) Math.max(0, Math.min(255, q)));
          }
        }
      }
    }
  }

  public static float[] decode(byte[] data, UpdateEncoding encoding, int count) {
    long expected = encodedSize(count, encoding);
    if (data.length != expected) {
      throw new IllegalArgumentException("expected " + expected + " bytes of " + encoding + " for " + count
          + " values, got " + data.length);
    }
    float[] values = new float[count];
    decodeInto(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), encoding, values, 0, count);
    return values;
  }

  /** Reads {@code values[from, to)} in {@code encoding} from {@code in}'s position (little-endian), one run of blocks. */
  public static void decodeInto(ByteBuffer in, UpdateEncoding encoding, float[] values, int from, int to) {
    switch (encoding) {
      case TOPK -> throw new IllegalArgumentException("a top-k update is a delta: SparseDelta.addTo");
      case F32 -> {
        FloatBuffer fb = in.asFloatBuffer();
        fb.get(values, from, to - from);
        in.position(in.position() + 4 * (to - from));
      }
      case F16 -> {
        for (int i = from; i < to; i++) {
          values[i] = Float.float16ToFloat(in.getShort());
        }
      }
      case Q8 -> {
        for (int start = from; start < to; start += Q8_BLOCK) {
          int end = Math.min(to, start + Q8_BLOCK);
          float min = in.getFloat();
          float scale = in.getFloat();
          for (int i = start; i < end; i++) {
            values[i] = min + (in.get() & 0xFF) * scale;
          }
        }
      }
    }
  }
}
