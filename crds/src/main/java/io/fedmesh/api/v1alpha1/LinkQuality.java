package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The WAN link between a site and the coordinator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinkQuality {
  @Min(0)
  @JsonPropertyDescription("Bandwidth in megabits per second.")
  public Double bandwidthMbps;

  @Min(0)
  @JsonPropertyDescription("Round-trip time in milliseconds.")
  public Double rttMs;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Fraction of heartbeats lost (measured only).")
  public Double loss;
}
