package io.fedmesh.common.model;

import io.fedmesh.proto.federation.v1.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A network as the operator and the agents agree on it: the architecture and its settings, the
 * shape of one sample, the output width and, once DJL has built it, the tensor layout of its
 * parameters. The wire form is {@link ModelSpec}.
 *
 * @param hidden mlp: hidden widths; cnn: the dense head's hidden widths; resnet: unused
 * @param conv cnn only
 * @param depth resnet only: 18, 34 or 50
 * @param width resnet only: the first stage's filters (64 is the paper's)
 * @param layout empty until the network has been built once
 * @param script torchscript only: which file carries the structure; null for the built-in types
 */
public record ModelDescription(ArchitectureType type, int[] inputShape, int outputs, TaskKind task, int[] hidden,
    Activation activation, List<ConvolutionBlock> conv, int depth, int width, TensorLayout layout, FeatureScaling scaling, ScriptRef script) {

  /** A TorchScript file by content: its SHA-256 (lower-case hex) and size in bytes. */
  public record ScriptRef(String sha256, long bytes) {
    public ScriptRef {
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a TorchScript digest must be 64 lower-case hex digits (got " + sha256 + ")");
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("a TorchScript file cannot be empty");
      }
    }

    public String shortDigest() {
      return sha256.substring(0, 12);
    }
  }

  /** A built-in architecture (no script) with {@code scaling} around it. */
  public ModelDescription(ArchitectureType type, int[] inputShape, int outputs, TaskKind task, int[] hidden, Activation activation,
      List<ConvolutionBlock> conv, int depth, int width, TensorLayout layout, FeatureScaling scaling) {
    this(type, inputShape, outputs, task, hidden, activation, conv, depth, width, layout, scaling, null);
  }

  /** LeNet-like default blocks: two 5 x 5 convolutions (6 and 16 filters), each with 2 x 2 max pooling. */
  public static final List<ConvolutionBlock> DEFAULT_CONV = List.of(new ConvolutionBlock(6, 5, 2), new ConvolutionBlock(16, 5, 2));
  /** LeNet's dense head. */
  public static final int[] DEFAULT_CNN_HEAD = {120, 84};

  public ModelDescription {
    inputShape = inputShape.clone();
    hidden = hidden.clone();
    conv = List.copyOf(conv);
    if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("input shape " + Arrays.toString(inputShape) + " needs dimensions of at least 1");
    }
    if (outputs < 1) {
      throw new IllegalArgumentException("a model needs at least one output");
    }
    if (layout == null) {
      layout = new TensorLayout(List.of());
    }
    if (scaling == null) {
      scaling = FeatureScaling.NONE;
    }
    int inputs = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
    if (scaling.scalesInput() && scaling.inputScale().length != inputs) {
      throw new IllegalArgumentException("scaling has " + scaling.inputScale().length + " input values but the model takes " + inputs
          + " inputs: give one offset and scale per input");
    }
    if ((type == ArchitectureType.TORCHSCRIPT) != (script != null)) {
      throw new IllegalArgumentException("a torchscript model needs its script, and only a torchscript model has one");
    }
  }

  /** Without scaling. */
  public ModelDescription(ArchitectureType type, int[] inputShape, int outputs, TaskKind task, int[] hidden,
      Activation activation, List<ConvolutionBlock> conv, int depth, int width, TensorLayout layout) {
    this(type, inputShape, outputs, task, hidden, activation, conv, depth, width, layout, FeatureScaling.NONE, null);
  }

  /** The same network with {@code s} around it. */
  public ModelDescription withScaling(FeatureScaling s) {
    return new ModelDescription(type, inputShape, outputs, task, hidden, activation, conv, depth, width, layout, s, script);
  }

  /** The user's TorchScript network: its file's digest, the shape its forward takes and its output width. */
  public static ModelDescription torchScript(int[] inputShape, int outputs, TaskKind task, ScriptRef script) {
    return new ModelDescription(ArchitectureType.TORCHSCRIPT, inputShape, outputs, task, new int[0], Activation.RELU, List.of(), 0, 0,
        null, FeatureScaling.NONE, script);
  }

  /** The built-in MLP as a description (its layout is computed from the widths). */
  public static ModelDescription of(MlpSpec mlp) {
    int[] l = mlp.layers();
    return new ModelDescription(ArchitectureType.MLP, new int[] {l[0]}, l[l.length - 1], mlp.task(),
        Arrays.copyOfRange(l, 1, l.length - 1), mlp.activation(), List.of(), 0, 0, MlpLayout.of(mlp));
  }

  /** Values in one flat sample. */
  public int inputWidth() {
    int n = 1;
    for (int d : inputShape) {
      n *= d;
    }
    return n;
  }

  /** The trainable (and, for batch norm, running) parameters; 0 until the layout is known. */
  public long parameterCount() {
    return layout.parameterCount();
  }

  public ModelDescription withLayout(TensorLayout l) {
    return new ModelDescription(type, inputShape, outputs, task, hidden, activation, conv, depth, width, l, scaling, script);
  }

  /** The MLP for the pure-Java test oracle; only for type mlp. */
  public MlpSpec mlp() {
    if (type != ArchitectureType.MLP) {
      throw new IllegalStateException("a " + type.wireName() + " is not an MLP");
    }
    int[] l = new int[hidden.length + 2];
    l[0] = inputWidth();
    System.arraycopy(hidden, 0, l, 1, hidden.length);
    l[l.length - 1] = outputs;
    return new MlpSpec(l, activation, task);
  }

  public ModelSpec toProto() {
    ModelSpec.Builder b = ModelSpec.newBuilder().setArchitecture(type.wireName()).setActivation(activation.name().toLowerCase())
        .setTask(task.toProto()).setNumParameters(parameterCount()).setOutputs(outputs).setDepth(depth).setWidth(width)
        .addAllTensors(layout.toProto());
    for (int d : inputShape) {
      b.addInputShape(d);
    }
    if (type == ArchitectureType.MLP) {
      for (int w : mlp().layers()) {
        b.addLayers(w);
      }
    } else {
      for (int w : hidden) {
        b.addLayers(w);
      }
    }
    conv.forEach(c -> b.addConv(c.toProto()));
    if (script != null) {
      b.setTorchscriptSha256(script.sha256()).setTorchscriptBytes(script.bytes());
    }
    scaling.addTo(b);
    return b.build();
  }

  /** The description a ModelSpec carries; an MLP from an older operator (layers only) too. */
  public static ModelDescription fromProto(ModelSpec spec) {
    ArchitectureType type = ArchitectureType.parse(spec.getArchitecture());
    TaskKind task = TaskKind.fromProto(spec.getTask());
    Activation act = Activation.parse(spec.getActivation());
    TensorLayout layout = TensorLayout.fromProto(spec.getTensorsList());
    if (type == ArchitectureType.MLP) {
      MlpSpec mlp = MlpSpec.fromProto(spec);
      ModelDescription d = of(mlp);
      int[] shape = spec.getInputShapeCount() == 0 ? d.inputShape : spec.getInputShapeList().stream().mapToInt(Integer::intValue).toArray();
      return new ModelDescription(type, shape, d.outputs, task, d.hidden, act, List.of(), 0, 0, layout.tensors().isEmpty() ? d.layout : layout,
          FeatureScaling.fromProto(spec));
    }
    return new ModelDescription(type, spec.getInputShapeList().stream().mapToInt(Integer::intValue).toArray(), spec.getOutputs(), task,
        spec.getLayersList().stream().mapToInt(Integer::intValue).toArray(), act,
        spec.getConvList().stream().map(ConvolutionBlock::fromProto).toList(), spec.getDepth(), spec.getWidth(), layout,
        FeatureScaling.fromProto(spec), type == ArchitectureType.TORCHSCRIPT ? new ScriptRef(spec.getTorchscriptSha256(), spec.getTorchscriptBytes()) : null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelDescription m && m.type == type && Arrays.equals(m.inputShape, inputShape) && m.outputs == outputs
        && m.task == task && Arrays.equals(m.hidden, hidden) && m.activation == activation && m.conv.equals(conv) && m.depth == depth
        && m.width == width
        && m.layout.equals(layout) && m.scaling.equals(scaling) && java.util.Objects.equals(m.script, script);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(inputShape) * 7 + outputs;
  }

  @Override
  public String toString() {
    return switch (type) {
      case MLP -> mlp().toString();
      case CNN -> "CNN" + Arrays.toString(inputShape) + " conv" + conv.stream().map(c -> c.filters() + "k" + c.kernel() + "p" + c.pool())
          .toList() + " dense" + Arrays.toString(hidden) + " -> " + outputs;
      case MOBILENETV2 -> "MobileNetV2" + Arrays.toString(inputShape) + " -> " + outputs;
      case RESNET -> "ResNet-" + depth + " width " + width + " " + Arrays.toString(inputShape) + " -> " + outputs;
      case TORCHSCRIPT -> "TorchScript sha256:" + script.shortDigest() + " " + Arrays.toString(inputShape) + " -> " + outputs;
    };
  }
}
