package io.fedmesh.models;

import ai.djl.Device;
import io.fedmesh.common.model.ModelDescription;

/**
 * What a training starts from: the description with its tensor layout, and the seeded initial
 * weights. Built once by the operator on the CPU; nothing here trains or evaluates.
 */
public record InitialModel(ModelDescription description, float[] weights) {

  public static InitialModel of(ModelDescription d, long seed) {
    try (BuiltNetwork n = BuiltNetwork.build(d.withLayout(null), seed, Device.cpu())) {
      return new InitialModel(n.resolved(), n.weights());
    }
  }
}
