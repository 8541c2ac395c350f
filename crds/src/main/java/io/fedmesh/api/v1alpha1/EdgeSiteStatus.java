package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a site, mirrored from the agent's heartbeats. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EdgeSiteStatus extends FedmeshStatus {
  /** Lifecycle of a site. */
  public enum Phase { Pending, Ready, Degraded, Offline }

  @JsonPropertyDescription("Pending (never seen), Ready, Degraded (agent up but cannot train: see message) or Offline (heartbeats missed).")
  public Phase phase;

  @JsonPropertyDescription("Time of the last heartbeat (RFC 3339).")
  public String lastHeartbeat;

  @JsonPropertyDescription("Link quality measured by the agent.")
  public LinkQuality measuredLink;

  @JsonPropertyDescription("Forecast of the site's next round time from its measured compute rate and link, with the last forecast's error.")
  public RoundForecast roundForecast;

  @JsonPropertyDescription("Compute free at the last heartbeat.")
  public Quantities free;

  @JsonPropertyDescription("Data sets the agent reported, with measured sample counts.")
  public List<DatasetRef> datasets = new ArrayList<>();

  @JsonPropertyDescription("FederatedTrainings (namespace/name) this site currently learns for.")
  public List<String> assignedLearners = new ArrayList<>();

  @JsonPropertyDescription("Version of the edge agent.")
  public String agentVersion;

  @JsonPropertyDescription("Why the site is Degraded or Offline.")
  public String message;

  @JsonPropertyDescription("Rounds this site was selected for and delivered in time (reliability history).")
  public Long roundsCompleted;

  @JsonPropertyDescription("Rounds this site was selected for and missed.")
  public Long roundsMissed;

  @JsonPropertyDescription("Trainings that do not select this site now because its updates were refused round after round.")
  public List<Quarantine> quarantinedBy;

  /** A training's quarantine of this site. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Quarantine {
    @JsonPropertyDescription("The FederatedTraining (namespace/name).")
    public String training;
    @JsonPropertyDescription("Why: the refusals that led to it.")
    public String reason;
    @JsonPropertyDescription("The training's first round that may select the site again; absent: until the EdgeSite spec is edited.")
    public Integer untilRound;
  }
}
