package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What every fedmesh status has: the generation it describes and standard conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class FedmeshStatus {
  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Standard conditions; Ready says whether the resource is healthy and why.")
  public List<Condition> conditions = new ArrayList<>();

  /** The condition of the given type, or null. */
  public Condition condition(String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
