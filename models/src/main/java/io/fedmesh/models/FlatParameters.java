package io.fedmesh.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import io.fedmesh.common.model.TensorLayout;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A built network's parameters as one flat float array, tensor after tensor in the block's
 * parameter order: the form an update travels and aggregates in, with {@link TensorLayout} naming
 * its parts.
 */
public final class FlatParameters {
  private static final NDIndex ALL = new NDIndex("...");

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
    // An indexed put, not NDArray.set(float[]): DJL's set enters libtorch's deprecated
    // AutoNonVariableTypeMode, which prints a warning on stderr that no log level reaches. The put
    // writes in place, so TorchScript modules keep their own tensors; it runs with gradients off
    // because an in-place write to a leaf that requires a gradient is refused while they are on.
    boolean gradients = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      int offset = 0;
      for (Parameter p : params) {
        NDArray a = p.getArray();
        int size = (int) a.size();
        try (NDArray values = a.getManager().create(FloatBuffer.wrap(weights, offset, size), a.getShape())) {
          a.set(ALL, values);
        }
        offset += size;
      }
    } finally {
      JniUtils.setGradMode(gradients);
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
