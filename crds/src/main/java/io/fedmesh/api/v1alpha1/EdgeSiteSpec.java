package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/** What an EdgeSite declares. Selection uses metadata.labels; the agent adds its own labels there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EdgeSiteSpec {
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Region or zone of the site (lowercase DNS label), e.g. eu-west-1.")
  public String region;

  @JsonPropertyDescription("Compute the site offers to fedmesh.")
  public Quantities capacity;

  @JsonPropertyDescription("Data sets held at the site; the agent reports the measured sample counts.")
  public List<DatasetRef> datasets = new ArrayList<>();

  @JsonPropertyDescription("The WAN link as declared by the operator of the site; the agent measures the real one.")
  public LinkQuality declaredLink;

  @Min(1)
  @Max(64)
  @Default("1")
  @JsonPropertyDescription("Most learners the site runs at once (one per FederatedTraining).")
  public Integer maxConcurrentLearners = 1;

  /** What the site does for a training. */
  public enum Role {
    /** Trains on its data when selected (and judges models on a held-out part of it, with federated evaluation). */
    @com.fasterxml.jackson.annotation.JsonProperty("learner") LEARNER,
    /** Never trains: holds a test set and evaluates each version of the trainings that name it in spec.evaluation.evaluatorRef. */
    @com.fasterxml.jackson.annotation.JsonProperty("evaluator") EVALUATOR
  }

  @Default("learner")
  @JsonPropertyDescription("learner (trains when selected) or evaluator (never trains; evaluates every model version of the"
      + " trainings that name it in spec.evaluation.evaluatorRef on its own test set).")
  public Role role = Role.LEARNER;

  /** True for a site that only evaluates. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean evaluator() {
    return role == Role.EVALUATOR;
  }

  @Default("false")
  @JsonPropertyDescription("A cordoned site finishes its current round but is never selected again until uncordoned.")
  public Boolean cordoned = false;
}
