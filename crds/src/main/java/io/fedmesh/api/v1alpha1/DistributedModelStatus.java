package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Versions a distributed model went through. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DistributedModelStatus extends FedmeshStatus {
  /** The newest versions are kept; older ones stay in the checkpoint store. */
  public static final int MAX_HISTORY = 20;

  @JsonPropertyDescription("The newest version, e.g. 'ft-demo-r12'.")
  public String latestVersion;

  @JsonPropertyDescription("The metric of the latest version on its evaluation set.")
  public Double latestMetric;

  @JsonPropertyDescription("Number of trainable parameters.")
  public Long parameters;

  @JsonPropertyDescription("The network the spec resolves to, e.g. 'CNN[1, 28, 28] conv[6k5p2, 16k5p2] dense[120, 84] -> 10'.")
  public String architecture;

  @JsonPropertyDescription("Parameter tensors of the network (each travels and aggregates with its name and shape).")
  public Integer tensors;

  @JsonPropertyDescription("Layer widths an mlp resolves to, input to output.")
  public List<Integer> layers = new ArrayList<>();

  @JsonPropertyDescription("The newest versions, newest last (at most 20).")
  public List<ModelVersion> versions = new ArrayList<>();

  @JsonPropertyDescription("Sites selected by spec.serving.siteSelector and what each serves, as their agents report it.")
  public List<ServingSite> servingSites = new ArrayList<>();

  /** A site selected to serve the model. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ServingSite {
    @JsonPropertyDescription("The EdgeSite.")
    public String site;
    @JsonPropertyDescription("The version the site answers with; unset while none is loaded.")
    public String version;
    @JsonPropertyDescription("The version the operator told the site to serve.")
    public String wanted;
    @JsonPropertyDescription("True when the site answers /v2/models/{name}/infer with the wanted version.")
    public Boolean ready;
    @JsonPropertyDescription("Why the site is not ready.")
    public String message;
    @JsonPropertyDescription("The site's Open Inference Protocol port.")
    public Integer port;
  }

  /** One version of the model. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ModelVersion {
    @JsonPropertyDescription("Version name.")
    public String version;
    @JsonPropertyDescription("sha256 of the parameters as stored.")
    public String digest;
    @JsonPropertyDescription("Metric name (accuracy, mse).")
    public String metric;
    @JsonPropertyDescription("Metric value on the evaluation set.")
    public Double value;
    @JsonPropertyDescription("FederatedTraining and round that produced it (namespace/name#round).")
    public String producedBy;
    @JsonPropertyDescription("Where the checkpoint is stored.")
    public String checkpoint;
    @JsonPropertyDescription("When it was produced (RFC 3339).")
    public String createdAt;
  }
}
