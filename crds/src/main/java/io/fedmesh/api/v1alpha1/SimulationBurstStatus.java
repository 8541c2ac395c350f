package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Progress and measurements of a burst, mirrored from the bridge. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SimulationBurstStatus extends FedmeshStatus {
  /** Lifecycle of a burst. */
  public enum Phase { Pending, Submitted, Running, Succeeded, Failed, Cancelled }

  @JsonPropertyDescription("Pending, Submitted, Running, Succeeded, Failed or Cancelled.")
  public Phase phase;

  @JsonPropertyDescription("Human-readable progress, e.g. '6/8'.")
  public String progress;

  @JsonPropertyDescription("Tasks in the burst (simulations and pipeline stages).")
  public Integer total;
  @JsonPropertyDescription("Tasks waiting for inputs.")
  public Integer pending;
  @JsonPropertyDescription("Tasks in the scheduler's queue.")
  public Integer queued;
  @JsonPropertyDescription("Tasks running.")
  public Integer running;
  @JsonPropertyDescription("Tasks that succeeded.")
  public Integer succeeded;
  @JsonPropertyDescription("Tasks that failed.")
  public Integer failed;
  @JsonPropertyDescription("Tasks cancelled.")
  public Integer cancelled;

  @JsonPropertyDescription("Seconds from the first task queued to the last task finished.")
  public Double makespanSeconds;

  @JsonPropertyDescription("Busy core-seconds over available core-seconds during the makespan.")
  public Double utilization;

  @JsonPropertyDescription("Makespan predicted from the task graph's critical path and resource bound.")
  public Double predictedMakespanSeconds;

  @JsonPropertyDescription("Samples the burst produced.")
  public Long producedSamples;

  @JsonPropertyDescription("Where the operator stored the produced data set.")
  public String datasetPath;

  @JsonPropertyDescription("FederatedTraining (namespace/name) that requested the burst, if any.")
  public String ownerTraining;

  @JsonPropertyDescription("The HpcCluster the burst runs on: spec.clusterRef, or the namespace's default cluster when that is unset; fixed once the burst is submitted.")
  public String cluster;

  @JsonPropertyDescription("When the bridge accepted the burst (RFC 3339).")
  public String submittedAt;

  @JsonPropertyDescription("Last error or notice from the bridge or scheduler.")
  public String message;
}
