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

  /** The network. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.type != 'mlp' || has(self.hiddenLayers)", message = "an mlp needs hiddenLayers (may be empty: [])")
  @ValidationRule(value = "self.type != 'djl' || has(self.modelUrl)", message = "a djl architecture needs modelUrl")
  public static class Architecture {
    /** Kinds of network. */
    public enum Type {
      @JsonProperty("mlp") MLP,
      @JsonProperty("djl") DJL
    }

    @Required
    @Default("mlp")
    @JsonPropertyDescription("mlp: built-in multi-layer perceptron; djl: a DJL model archive the agents load (modelUrl).")
    public Type type = Type.MLP;

    @Size(max = 16)
    @ValidationRule(value = "self.all(w, w >= 1 && w <= 65536)", message = "hidden layer widths must be between 1 and 65536")
    @JsonPropertyDescription("Widths of the hidden layers of an mlp, input to output, e.g. [64, 32].")
    public List<Integer> hiddenLayers = new ArrayList<>();

    @Default("relu")
    @JsonPropertyDescription("Activation between layers of an mlp: relu, tanh or sigmoid.")
    public Activation activation = Activation.RELU;

    @JsonPropertyDescription("DJL model archive URL (file:// or a path readable by the agents) for type djl.")
    public String modelUrl;

    /** Activation functions. */
    public enum Activation {
      @JsonProperty("relu") RELU,
      @JsonProperty("tanh") TANH,
      @JsonProperty("sigmoid") SIGMOID
    }
  }

  /** Serving placement. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Serving {
    @JsonPropertyDescription("Sites (by EdgeSite labels) that should serve the latest version.")
    public LabelSelector siteSelector;
  }
}
