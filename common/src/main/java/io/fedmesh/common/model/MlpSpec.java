package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.ModelSpec;
import java.util.Arrays;

/**
 * The built-in multi-layer perceptron: layer widths from input to output.
 *
 * <p>Parameters are laid out as DJL's SequentialBlock of Linear layers orders them: for each layer
 * its weight (out x in, row-major) followed by its bias (out). Operator, agent and codec all rely
 * on this one layout.
 */
public record MlpSpec(int[] layers, Activation activation, TaskKind task) {

  public MlpSpec {
    if (layers == null || layers.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least an input and an output layer");
    }
    for (int width : layers) {
      if (width < 1) {
        throw new IllegalArgumentException("layer widths must be positive: " + Arrays.toString(layers));
      }
    }
    layers = layers.clone();
  }

  public int inputWidth() {
    return layers[0];
  }

  public int outputWidth() {
    return layers[layers.length - 1];
  }

  public int layerCount() {
    return layers.length - 1;
  }

  /** Number of trainable parameters (weights and biases). */
  public long parameterCount() {
    long n = 0;
    for (int i = 0; i + 1 < layers.length; i++) {
      n += (long) layers[i] * layers[i + 1] + layers[i + 1];
    }
    return n;
  }

  public ModelSpec toProto() {
    ModelSpec.Builder b = ModelSpec.newBuilder()
        .setActivation(activation.name().toLowerCase())
        .setTask(task.toProto())
        .setNumParameters(parameterCount());
    for (int w : layers) {
      b.addLayers(w);
    }
    return b.build();
  }

  public static MlpSpec fromProto(ModelSpec spec) {
    int[] widths = spec.getLayersList().stream().mapToInt(Integer::intValue).toArray();
    return new MlpSpec(widths, Activation.parse(spec.getActivation()), TaskKind.fromProto(spec.getTask()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlpSpec other && Arrays.equals(layers, other.layers)
        && activation == other.activation && task == other.task;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(layers) + activation.hashCode() * 7 + task.hashCode();
  }

  @Override
  public String toString() {
    return "MLP" + Arrays.toString(layers) + " " + activation.name().toLowerCase() + " " + task.name().toLowerCase();
  }
}
