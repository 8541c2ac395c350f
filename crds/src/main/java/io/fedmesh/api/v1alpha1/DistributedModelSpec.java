package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** The architecture of a distributed model and where it is served. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DistributedModelSpec {
  /** What the model predicts. */
  public enum Task {
    @JsonProperty("classification") CLASSIFICATION,
    @JsonProperty("regression") REGRESSION
  }

  @Required
  @JsonPropertyDescription("The network to train.")
  public Architecture architecture;

  @Required
  @Default("classification")
  @JsonPropertyDescription("classification (softmax cross-entropy, accuracy) or regression (mean squared error).")
  public Task task = Task.CLASSIFICATION;

  @Required
  @Size(min = 1, max = 4)
  @ValidationRule(value = "self.all(d, d >= 1)", message = "every inputShape dimension must be at least 1")
  @JsonPropertyDescription("Shape of one input sample, e.g. [8] for eight feature columns.")
  public List<Integer> inputShape = new ArrayList<>();

  @Required
  @Size(min = 1, max = 4)
  @ValidationRule(value = "self.all(d, d >= 1)", message = "every outputShape dimension must be at least 1")
  @JsonPropertyDescription("Shape of one output: [classes] for classification, [1] for regression.")
  public List<Integer> outputShape = new ArrayList<>();

  @JsonPropertyDescription("Where the latest version is served; empty serves nowhere.")
  public Serving serving;

  @JsonPropertyDescription("mlp only: a fixed affine map around the network. It sees (x - inputOffset) / inputScale and answers"
      + " outputOffset + outputScale * y, so inputs of very different units and a small label reach the layers near unit scale;"
      + " data, loss and metric stay in your units. Not trained, never sent in updates.")
  public Scaling scaling;

  /** Input and output scaling of an mlp. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "(has(self.inputOffset) ? size(self.inputOffset) : 0) == (has(self.inputScale) ? size(self.inputScale) : 0)",
      message = "scaling.inputOffset and scaling.inputScale need the same number of values (one per input feature)")
  @ValidationRule(value = "!has(self.outputScale) || self.outputScale > 0.0", message = "scaling.outputScale must be positive")
  public static class Scaling {
    @Size(max = 4096)
    @JsonPropertyDescription("Per input feature, subtracted first (e.g. the feature's mean or the middle of its range).")
    public List<Double> inputOffset;

    @Size(max = 4096)
    @ValidationRule(value = "self.all(s, s > 0.0)", message = "every scaling.inputScale value must be positive")
    @JsonPropertyDescription("Per input feature, divided by next (e.g. the feature's standard deviation); each positive.")
    public List<Double> inputScale;

    @JsonPropertyDescription("Added to the network's output (e.g. the label's mean); default 0.")
    public Double outputOffset;

    @JsonPropertyDescription("Multiplies the network's output before the offset (e.g. the label's standard deviation); positive,"
        + " default 1.")
    public Double outputScale;
  }

  /** The network. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.type != 'mlp' || has(self.hiddenLayers)", message = "an mlp needs hiddenLayers (may be empty: [])")
  @ValidationRule(value = "(self.type == 'torchscript') == has(self.torchscript)", message = "type torchscript needs"
      + " architecture.torchscript (file), and only type torchscript takes it")
  public static class Architecture {
    /** Kinds of network, all built and trained through DJL. */
    public enum Type {
      @JsonProperty("mlp") MLP,
      @JsonProperty("cnn") CNN,
      @JsonProperty("resnet") RESNET,
      @JsonProperty("mobilenetv2") MOBILENETV2,
      @JsonProperty("torchscript") TORCHSCRIPT
    }

    @Required
    @Default("mlp")
    @JsonPropertyDescription("mlp: dense layers on a flat sample; cnn: convolution blocks and a dense head (LeNet-like by default);"
        + " resnet: ResNet v1 for small images (depth 18, 34 or 50, configurable width); mobilenetv2: DJL's MobileNetV2 (at least"
        + " 32 x 32 pixels); torchscript: your own TorchScript module (spec.architecture.torchscript). cnn and resnet take"
        + " inputShape [channels, height, width]; a torchscript module takes inputShape as its forward does.")
    public Type type = Type.MLP;

    @Size(max = 16)
    @ValidationRule(value = "self.all(w, w >= 1 && w <= 65536)", message = "hidden layer widths must be between 1 and 65536")
    @JsonPropertyDescription("Widths of the hidden layers of an mlp, input to output, e.g. [64, 32].")
    public List<Integer> hiddenLayers = new ArrayList<>();

    @Default("relu")
    @JsonPropertyDescription("Activation between layers of an mlp or cnn: relu, tanh or sigmoid.")
    public Activation activation = Activation.RELU;

    @Size(max = 8)
    @JsonPropertyDescription("cnn: the convolution blocks, input to output; default LeNet's [{filters: 6, kernel: 5}, {filters: 16,"
        + " kernel: 5}], each with 2 x 2 max pooling.")
    public List<Convolution> convolutions;

    @Size(max = 8)
    @JsonPropertyDescription("cnn: widths of the dense layers after the convolutions; default LeNet's [120, 84].")
    public List<Integer> head;

    @JsonPropertyDescription("resnet: 18 or 34 (basic units) or 50 (bottleneck units); default 18.")
    public Integer depth;

    @JsonPropertyDescription("resnet: filters of the first of the four stages (w, 2w, 4w, 8w); default 16. 64 is the paper's"
        + " ResNet (11 M parameters at depth 18).")
    public Integer width;

    @JsonPropertyDescription("torchscript: the file of your module (torch.jit.save of a scripted or traced module).")
    public TorchScript torchscript;

    /** Activation functions. */
    public enum Activation {
      @JsonProperty("relu") RELU,
      @JsonProperty("tanh") TANH,
      @JsonProperty("sigmoid") SIGMOID
    }
  }

  /** The user's TorchScript module, on the operator's models volume. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TorchScript {
    @Required
    @Size(min = 1, max = 253)
    @io.fabric8.generator.annotation.Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
    @ValidationRule(value = "!self.matches('(^|/)[.][.]?(/|$)')", message = "file must stay inside the models directory:"
        + " no '.' or '..' segments")
    @JsonPropertyDescription("Path of the .pt file relative to the operator's models directory (--models-dir; the chart mounts"
        + " models.volume there), e.g. garment-net.pt.")
    public String file;

    @io.fabric8.generator.annotation.Pattern("^[0-9a-f]{64}$")
    @JsonPropertyDescription("SHA-256 of the file (lower-case hex). When set, a file with other content is refused, so the network a"
        + " training runs is the one this resource names; status.architecture shows the digest either way.")
    public String sha256;
  }

  /** A convolution block of a cnn. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Convolution {
    @Required
    @JsonPropertyDescription("Number of filters (1 to 1024).")
    public Integer filters;

    @JsonPropertyDescription("Kernel size k of the k x k filters, odd (same padding); default 3.")
    public Integer kernel;

    @JsonPropertyDescription("Max pooling window and stride after the block; 1 is no pooling; default 2.")
    public Integer pool;
  }

  /** Serving placement. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Serving {
    @JsonPropertyDescription("Sites (by EdgeSite labels) that should serve the model over the Open Inference Protocol (their agents"
        + " need --serve-port).")
    public LabelSelector siteSelector;

    @JsonPropertyDescription("Serve this version (a name in status.versions) and no other; unset: the newest version whose metric is no"
        + " worse than the one served before it.")
    public String version;
  }
}
