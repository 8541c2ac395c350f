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

  @Default("false")
  @JsonPropertyDescription("A cordoned site finishes its current round but is never selected again until uncordoned.")
  public Boolean cordoned = false;
}
