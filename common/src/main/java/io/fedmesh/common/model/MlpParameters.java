package io.fedmesh.common.model;

import java.util.SplittableRandom;

/** Creates the initial global weights of an MLP, identically on every machine for a given seed. */
public final class MlpParameters {
  private MlpParameters() {}

  /** Xavier-uniform weights, zero biases, in the layout of {@link MlpSpec}. */
  public static float[] initialize(MlpSpec spec, long seed) {
    long count = spec.parameterCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(spec + " has " + count + " parameters; at most 2^31 are supported");
    }
    float[] params = new float[(int) count];
    SplittableRandom random = new SplittableRandom(seed);
    int offset = 0;
    int[] layers = spec.layers();
    for (int i = 0; i + 1 < layers.length; i++) {
      int in = layers[i];
      int out = layers[i + 1];
      double limit = Math.sqrt(6.0 / (in + out));
      for (int k = 0; k < in * out; k++) {
        params[offset++] = (float) ((random.nextDouble() * 2 - 1) * limit);
      }
      offset += out; // biases start at zero
    }
    return params;
  }
}
