package io.fedmesh.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.fedmesh.common.model.TensorLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A built network's parameters as one flat float array, tensor after tensor in the block's
 * parameter order: the form an update travels and aggregates in, with {@link TensorLayout} naming
 * its parts.
 */
public final class FlatParameters {
  private FlatParameters() {}

  /** The layout of an initialised block: each parameter's name and shape, in order. */
  public static TensorLayout layout(Block block) {
    List<TensorLayout.Tensor> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(new TensorLayout.Tensor(p.getKey(), p.getValue().getArray().getShape().getShape()));
    }
    return new TensorLayout(out);
  }

  public static List<Parameter> parameters(Block block) {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  /** Sets every parameter from {@code weights}; their count must match exactly. */
  public static void write(List<Parameter> params, float[] weights) {
    long total = 0;
    for (Parameter p : params) {
      total += p.getArray().size();
    }
    if (total != weights.length) {
      throw new IllegalStateException("the network has " + total + " parameters but " + weights.length + " were given");
    }
    int offset = 0;
    for (Parameter p : params) {
      NDArray a = p.getArray();
      int size = (int) a.size();
      float[] slice = new float[size];
      System.arraycopy(weights, offset, slice, 0, size);
      a.set(slice);
      offset += size;
    }
  }

  public static float[] read(List<Parameter> params) {
    long total = 0;
    for (Parameter p : params) {
      total += p.getArray().size();
    }
    float[] out = new float[Math.toIntExact(total)];
    int offset = 0;
    for (Parameter p : params) {
      float[] v = p.getArray().toFloatArray();
      System.arraycopy(v, 0, out, offset, v.length);
      offset += v.length;
    }
    return out;
  }
}
