package io.fedmesh.common.model;

import java.util.Locale;

/** The kinds of network a DistributedModel can describe; every one is built and trained through DJL. */
public enum ArchitectureType {
  /** Dense layers on a flat sample. */
  MLP,
  /** Convolution/pooling blocks and a dense head, LeNet-like by default. */
  CNN,
  /** ResNet v1 for small images, from the model zoo's residual units. */
  RESNET,
  /** DJL model zoo's MobileNetV2 (images of at least 32 x 32 pixels). */
  MOBILENETV2,
  /** The user's own TorchScript file, loaded and trained through DJL's PyTorch engine. */
  TORCHSCRIPT;

  /** The name on the wire and in the CRD. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** mlp when empty (an older operator sends no name); anything unknown is refused by name. */
  public static ArchitectureType parse(String name) {
    if (name == null || name.isEmpty()) {
      return MLP;
    }
    for (ArchitectureType t : values()) {
      if (t.wireName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("architecture '" + name + "' is unknown: use mlp, cnn, resnet, mobilenetv2 or torchscript");
  }
}
