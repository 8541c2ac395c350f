package io.fedmesh.common.codec;

import io.fedmesh.common.model.TensorLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A dense update encoded tensor by tensor: each tensor of the model's layout in an encoding of its
 * own, one after the other in layout order. Q8 blocks restart at every tensor, so a block never
 * mixes a convolution's weights with the batch-norm variances beside it and each tensor is
 * quantised over its own range. Small tensors (biases, normalisation statistics: few bytes, much
 * influence on the output) stay fp32, and a tensor whose values the asked encoding cannot carry
 * (fp16 overflows above 65504) goes fp32 alone rather than taking the whole update with it.
 */
public final class TensorEncodings {
  /** Tensors with fewer values than this stay fp32: they cost little and quantising them costs accuracy. */
  public static final int SMALL_TENSOR = 1024;

  private TensorEncodings() {}

  /** Each tensor's encoding when {@code asked} is the update's: asked, but fp32 for small tensors and for those asked cannot carry. */
  public static List<UpdateEncoding> choose(float[] values, TensorLayout layout, UpdateEncoding asked) {
    if (asked.isDelta()) {
      throw new IllegalArgumentException("a top-k update is a delta over the whole model, not per tensor");
    }
    List<UpdateEncoding> out = new ArrayList<>();
    int from = 0;
    for (TensorLayout.Tensor t : layout.tensors()) {
      int to = from + Math.toIntExact(t.size());
      UpdateEncoding e = t.size() < SMALL_TENSOR ? UpdateEncoding.F32
          : EncodingFallback.forValues(values, from, to, asked);
      out.add(e);
      from = to;
    }
    return out;
  }

  /** Why {@code encodings} cannot be {@code layout}'s per-tensor encodings (a peer's list), or null. */
  public static String problem(TensorLayout layout, List<UpdateEncoding> encodings) {
    if (encodings.size() != layout.tensors().size()) {
      return "tensor_encodings has " + encodings.size() + " entries; the model has " + layout.tensors().size() + " tensors";
    }
    for (int i = 0; i < encodings.size(); i++) {
      if (encodings.get(i).isDelta()) {
        return "tensor_encodings[" + i + "] is " + encodings.get(i) + ": a tensor is f32, f16 or q8 (top-k spans the whole model)";
      }
    }
    return null;
  }

  public static long encodedSize(TensorLayout layout, List<UpdateEncoding> encodings) {
    long n = 0;
    for (int i = 0; i < encodings.size(); i++) {
      n += UpdateCodec.encodedSize(Math.toIntExact(layout.tensors().get(i).size()), encodings.get(i));
    }
    return n;
  }

  public static byte[] encode(float[] values, TensorLayout layout, List<UpdateEncoding> encodings) {
    requireFits(values.length, layout, encodings);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(encodedSize(layout, encodings))).order(ByteOrder.LITTLE_ENDIAN);
    int from = 0;
    for (int i = 0; i < encodings.size(); i++) {
      int to = from + Math.toIntExact(layout.tensors().get(i).size());
      UpdateCodec.encodeInto(values, from, to, encodings.get(i), out);
      from = to;
    }
    return out.array();
  }

  /** The weights of a payload in {@code encodings}; its size must be exactly what they take. */
  public static float[] decode(byte[] data, TensorLayout layout, List<UpdateEncoding> encodings) {
    String problem = problem(layout, encodings);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    long expected = encodedSize(layout, encodings);
    if (data.length != expected) {
      throw new IllegalArgumentException("expected " + expected + " bytes for the tensors in their encodings, got " + data.length);
    }
    float[] values = new float[Math.toIntExact(layout.parameterCount())];
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int from = 0;
    for (int i = 0; i < encodings.size(); i++) {
      int to = from + Math.toIntExact(layout.tensors().get(i).size());
      UpdateCodec.decodeInto(in, encodings.get(i), values, from, to);
      from = to;
    }
    return values;
  }

  /** "q8 per tensor, 4 of 10 tensors f32": the encodings in a few words, for records and logs. */
  public static String describe(UpdateEncoding asked, List<UpdateEncoding> encodings) {
    long other = encodings.stream().filter(e -> e != asked).count();
    String name = asked.name().toLowerCase(java.util.Locale.ROOT);
    return other == 0 ? name + " per tensor" : name + " per tensor, " + other + " of " + encodings.size() + " tensors f32";
  }

  private static void requireFits(int values, TensorLayout layout, List<UpdateEncoding> encodings) {
    String problem = problem(layout, encodings);
    if (problem != null || layout.parameterCount() != values) {
      throw new IllegalArgumentException(problem != null ? problem
          : values + " values do not fill the layout's " + layout.parameterCount() + " parameters");
    }
  }
}
