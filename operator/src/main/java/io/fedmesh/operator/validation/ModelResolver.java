package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.common.model.TensorLayout;
import io.fedmesh.models.InitialModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a DistributedModel spec into the network it describes, with its tensor layout, or names
 * every field that is wrong and how to fix it. A cnn or resnet is built once through DJL for its
 * layout (cached: the same spec resolves to the same layout).
 */
public final class ModelResolver {
  /** Largest network the operator takes on: its updates must stream and aggregate in bounded memory. */
  static final long MAX_PARAMETERS = 50_000_000L;
  private static final Map<ModelDescription, TensorLayout> LAYOUTS = new ConcurrentHashMap<>();

  /** Either a spec or problems. */
  public record Resolved(ModelDescription spec, ValidationResult validation) {}

  /** Where torchscript files live; null: none (a torchscript model is refused, naming --models-dir). */
  private final java.nio.file.Path modelsDir;

  /** A resolver for the built-in architectures only. */
  public ModelResolver() {
    this(null);
  }

  public ModelResolver(java.nio.file.Path modelsDir) {
    this.modelsDir = modelsDir;
  }

  public Resolved resolve(DistributedModelSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null || spec.architecture == null) {
      return new Resolved(null, new ValidationResult(List.of("spec.architecture is required (type: mlp, hiddenLayers: [...])")));
    }
    Architecture a = spec.architecture;
    Bounds.items(p, "spec.inputShape", spec.inputShape, 1, 4);
    Bounds.items(p, "spec.outputShape", spec.outputShape, 1, 4);
    Bounds.items(p, "spec.architecture.hiddenLayers", a.hiddenLayers, 0, 16);
    int in = product(spec.inputShape, "spec.inputShape", p);
    int out = product(spec.outputShape, "spec.outputShape", p);
    TaskKind task = spec.task == DistributedModelSpec.Task.REGRESSION ? TaskKind.REGRESSION : TaskKind.CLASSIFICATION;
    if (task == TaskKind.REGRESSION && out != 1) {
      p.add("spec.outputShape must be [1] for regression (got " + spec.outputShape + ")");
    }
    if (task == TaskKind.CLASSIFICATION && out < 2) {
      p.add("spec.outputShape must be [classes] with at least 2 classes for classification (got " + spec.outputShape + ")");
    }
    List<Integer> hidden = widths(a.hiddenLayers, "spec.architecture.hiddenLayers", p);
    Activation act = switch (a.activation == null ? Architecture.Activation.RELU : a.activation) {
      case RELU -> Activation.RELU;
      case TANH -> Activation.TANH;
      case SIGMOID -> Activation.SIGMOID;
    };
    ArchitectureType type = switch (a.type == null ? Architecture.Type.MLP : a.type) {
      case MLP -> ArchitectureType.MLP;
      case CNN -> ArchitectureType.CNN;
      case RESNET -> ArchitectureType.RESNET;
      case MOBILENETV2 -> ArchitectureType.MOBILENETV2;
      case TORCHSCRIPT -> ArchitectureType.TORCHSCRIPT;
    };
    ImageArchitectures.foreignFields(type, a, p);
    if (a.torchscript != null) {
      TorchScriptModels.checkFields(a.torchscript, p);
    }
    if (type == ArchitectureType.TORCHSCRIPT && !hidden.isEmpty()) {
      p.add("spec.architecture.hiddenLayers is for an mlp: a torchscript module's layers are in its file; remove hiddenLayers");
    }
    boolean image = type != ArchitectureType.MLP && type != ArchitectureType.TORCHSCRIPT;
    ImageArchitectures.Settings settings = image ? ImageArchitectures.check(type, spec, p) : null;
    ModelDescription script = type == ArchitectureType.TORCHSCRIPT && p.isEmpty()
        ? TorchScriptModels.describe(spec, modelsDir, ints(spec.inputShape), out, task, p) : null;
    var scaling = ScalingCheck.check(spec.scaling, type, in, p);
    if (!p.isEmpty()) {
      return new Resolved(null, new ValidationResult(p));
    }
    ModelDescription d = switch (type) {
      case MLP -> new ModelDescription(type, new int[] {in}, out, task, ints(hidden), act, List.of(), 0, 0, null);
      case CNN, RESNET, MOBILENETV2 -> new ModelDescription(type, settings.inputShape(), out, task, settings.head(), act, settings.conv(),
          settings.depth(), settings.width(), null);
      case TORCHSCRIPT -> script;
    };
    if (type == ArchitectureType.TORCHSCRIPT) {
      return torchScript(d);
    }
    ModelDescription resolved = type == ArchitectureType.MLP ? ModelDescription.of(d.mlp()).withScaling(scaling) : withLayout(d);
    if (resolved.parameterCount() > MAX_PARAMETERS) {
      return new Resolved(null, new ValidationResult(List.of("spec.architecture resolves to " + resolved.parameterCount()
          + " parameters, more than the " + MAX_PARAMETERS + " an operator streams and aggregates: make it smaller")));
    }
    return new Resolved(resolved, new ValidationResult(List.of()));
  }

  /** Loads the module once for its tensors; a file DJL cannot load, or a forward of the wrong shape, is named here. */
  private static Resolved torchScript(ModelDescription d) {
    try {
      ModelDescription resolved = d.withLayout(LAYOUTS.computeIfAbsent(d, TorchScriptModels::checkedLayout));
      if (resolved.parameterCount() > MAX_PARAMETERS) {
        return new Resolved(null, new ValidationResult(List.of("spec.architecture.torchscript.file has " + resolved.parameterCount()
            + " parameters, more than the " + MAX_PARAMETERS + " an operator streams and aggregates: use a smaller module")));
      }
      return new Resolved(resolved, new ValidationResult(List.of()));
    } catch (RuntimeException e) {
      return new Resolved(null, new ValidationResult(List.of("spec.architecture.torchscript.file: " + e.getMessage())));
    }
  }

  private static ModelDescription withLayout(ModelDescription d) {
    return d.withLayout(LAYOUTS.computeIfAbsent(d, k -> InitialModel.of(k, 0).description().layout()));
  }

  private static List<Integer> widths(List<Integer> widths, String field, List<String> p) {
    List<Integer> out = widths == null ? List.of() : widths;
    for (int i = 0; i < out.size(); i++) {
      Integer w = out.get(i);
      if (w == null || w < 1 || w > 65536) {
        p.add(field + "[" + i + "] must be between 1 and 65536 (got " + w + ")");
      }
    }
    return out;
  }

  static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int product(List<Integer> shape, String field, List<String> problems) {
    if (shape == null || shape.isEmpty()) {
      problems.add(field + " is required, e.g. [8] for eight features or [1, 28, 28] for a grey 28 x 28 image");
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
      problems.add(field + " " + shape + " has more than 1,000,000 values per sample: use a smaller input");
      return 0;
    }
    return (int) p;
  }
}
