package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the last probe of the bridge saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HpcClusterStatus extends FedmeshStatus {
  @JsonPropertyDescription("Whether the last probe reached the bridge.")
  public Boolean reachable;

  @JsonPropertyDescription("Scheduler and version reported by the bridge.")
  public String schedulerVersion;

  @JsonPropertyDescription("Jobs waiting in the queue.")
  public Integer queueDepth;

  @JsonPropertyDescription("Jobs running.")
  public Integer runningJobs;

  @JsonPropertyDescription("Free CPUs over all partitions.")
  public Integer freeCpus;

  @JsonPropertyDescription("Free GPUs over all partitions.")
  public Integer freeGpus;

  @JsonPropertyDescription("Partitions with their free resources.")
  public List<PartitionStatus> partitions = new ArrayList<>();

  @JsonPropertyDescription("Time of the last probe (RFC 3339).")
  public String lastProbeTime;

  /** One partition. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PartitionStatus {
    @JsonPropertyDescription("Partition name.")
    public String name;
    @JsonPropertyDescription("Partition state.")
    public String state;
    @JsonPropertyDescription("Total CPUs.")
    public Integer totalCpus;
    @JsonPropertyDescription("Free CPUs.")
    public Integer freeCpus;
    @JsonPropertyDescription("Free GPUs.")
    public Integer freeGpus;
  }
}
