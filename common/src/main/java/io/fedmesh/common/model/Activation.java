package io.fedmesh.common.model;

/** Activation between the hidden layers of the built-in MLP. */
public enum Activation {
  RELU,
  TANH,
  SIGMOID;

  public float apply(float x) {
    return switch (this) {
      case RELU -> x > 0 ? x : 0f;
      case TANH -> (float) Math.tanh(x);
      case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
    };
  }

  public static Activation parse(String text) {
    if (text == null || text.isBlank()) {
      return RELU;
    }
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown activation '" + text + "': use relu, tanh or sigmoid");
  }
}
