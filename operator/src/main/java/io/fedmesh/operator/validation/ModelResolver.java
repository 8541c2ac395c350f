package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import java.util.ArrayList;
import java.util.List;

/** Turns a DistributedModel spec into the MLP it describes, or names what is wrong. */
public final class ModelResolver {

  /** Either a spec or problems. */
  public record Resolved(MlpSpec spec, ValidationResult validation) {}

  public Resolved resolve(DistributedModelSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null || spec.architecture == null) {
      return new Resolved(null, new ValidationResult(List.of("spec.architecture is required (type: mlp, hiddenLayers: [...])")));
    }
    if (spec.architecture.type == DistributedModelSpec.Architecture.Type.DJL) {
      p.add("spec.architecture.type djl is not supported by this operator version: use mlp");
    }
    Bounds.items(p, "spec.inputShape", spec.inputShape, 1, 4);
    Bounds.items(p, "spec.outputShape", spec.outputShape, 1, 4);
    Bounds.items(p, "spec.architecture.hiddenLayers", spec.architecture.hiddenLayers, 0, 16);
    int in = product(spec.inputShape, "spec.inputShape", p);
    int out = product(spec.outputShape, "spec.outputShape", p);
    TaskKind task = spec.task == DistributedModelSpec.Task.REGRESSION ? TaskKind.REGRESSION : TaskKind.CLASSIFICATION;
    if (task == TaskKind.REGRESSION && out != 1) {
      p.add("spec.outputShape must be [1] for regression (got " + spec.outputShape + ")");
    }
    if (task == TaskKind.CLASSIFICATION && out < 2) {
      p.add("spec.outputShape must be [classes] with at least 2 classes for classification (got " + spec.outputShape + ")");
    }
    List<Integer> hidden = spec.architecture.hiddenLayers == null ? List.of() : spec.architecture.hiddenLayers;
    for (int i = 0; i < hidden.size(); i++) {
      Integer w = hidden.get(i);
      if (w == null || w < 1 || w > 65536) {
        p.add("spec.architecture.hiddenLayers[" + i + "] must be between 1 and 65536 (got " + w + ")");
      }
    }
    if (!p.isEmpty()) {
      return new Resolved(null, new ValidationResult(p));
    }
    int[] layers = new int[hidden.size() + 2];
    layers[0] = in;
    for (int i = 0; i < hidden.size(); i++) {
      layers[i + 1] = hidden.get(i);
    }
    layers[layers.length - 1] = out;
    Activation act = switch (spec.architecture.activation == null ? DistributedModelSpec.Architecture.Activation.RELU
        : spec.architecture.activation) {
      case RELU -> Activation.RELU;
      case TANH -> Activation.TANH;
      case SIGMOID -> Activation.SIGMOID;
    };
    return new Resolved(new MlpSpec(layers, act, task), new ValidationResult(List.of()));
  }

  private static int product(List<Integer> shape, String field, List<String> problems) {
    if (shape == null || shape.isEmpty()) {
      problems.add(field + " is required, e.g. [8]");
      return 0;
    }
    long p = 1;
    for (Integer d : shape) {
      if (d == null || d < 1) {
        problems.add(field + " dimensions must be at least 1 (got " + shape + ")");
        return 0;
      }
      p *= d;
    }
    if (p > 1_000_000) {
      problems.add(field + " " + shape + " is too large for the built-in MLP");
      return 0;
    }
    return (int) p;
  }
}
