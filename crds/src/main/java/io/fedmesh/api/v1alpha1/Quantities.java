package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Compute a site declares or has free. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Quantities {
  @Min(0)
  @JsonPropertyDescription("CPU cores.")
  public Double cpu;

  @Min(0)
  @JsonPropertyDescription("Memory in MiB.")
  public Long memoryMiB;

  @Min(0)
  @JsonPropertyDescription("GPUs.")
  public Integer gpus;

  public Quantities() {}

  public Quantities(Double cpu, Long memoryMiB, Integer gpus) {
    this.cpu = cpu;
    this.memoryMiB = memoryMiB;
    this.gpus = gpus;
  }
}
