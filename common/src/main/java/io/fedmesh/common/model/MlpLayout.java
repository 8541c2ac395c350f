package io.fedmesh.common.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensor layout of the built-in MLP, named as DJL's SequentialBlock names its parameters
 * (child index and block name, e.g. {@code 01Linear_weight}); the models module's tests pin it
 * against the network DJL builds.
 */
final class MlpLayout {
  private MlpLayout() {}

  static TensorLayout of(MlpSpec spec) {
    int[] l = spec.layers();
    List<TensorLayout.Tensor> out = new ArrayList<>();
    int child = 1;
    for (int i = 0; i + 1 < l.length; i++) {
      String name = String.format("%02dLinear", child);
      out.add(new TensorLayout.Tensor(name + "_weight", new long[] {l[i + 1], l[i]}));
      out.add(new TensorLayout.Tensor(name + "_bias", new long[] {l[i + 1]}));
      child += i + 2 < l.length ? 2 : 1; // an activation block follows every layer but the last
    }
    return new TensorLayout(out);
  }
}
