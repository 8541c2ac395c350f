package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Progress of a federated training run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FederatedTrainingStatus extends FedmeshStatus {
  /** Rounds kept in status; the full record is in the checkpoint store. */
  public static final int MAX_HISTORY = 50;

  /** Lifecycle of a training. */
  public enum Phase { Pending, Running, Succeeded, Failed }

  @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
  public Phase phase;

  @JsonPropertyDescription("Rounds completed.")
  public Integer round;

  @JsonPropertyDescription("The spec generation the run follows: edits of rounds, deadline and participants are taken at the next"
      + " round boundary; edits of modelRef or strategy are refused (condition SpecAccepted=False) and the run keeps its own.")
  public Long specGeneration;

  @JsonPropertyDescription("modelRef and strategy as the run started with them, which it keeps to the end.")
  public String pinnedSpec;

  @JsonPropertyDescription("Human-readable progress, e.g. '7/20'.")
  public String progress;

  @JsonPropertyDescription("Attempt of the round in progress (retries after a missed quorum).")
  public Integer roundAttempt;

  @JsonPropertyDescription("When the round in progress opened (RFC 3339).")
  public String roundStartedAt;

  @JsonPropertyDescription("Deadline of the round in progress in seconds.")
  public Double roundDeadlineSeconds;

  @JsonPropertyDescription("Sites selected for the round in progress.")
  public List<String> currentParticipants = new ArrayList<>();

  @JsonPropertyDescription("Eligible sites (Ready, not cordoned, selected by the site selector).")
  public Integer activeSites;

  @JsonPropertyDescription("The latest global evaluation.")
  public MetricValue metric;

  @JsonPropertyDescription("Global model version after the last round.")
  public String modelVersion;

  @JsonPropertyDescription("The most recent rounds (at most 50), oldest first.")
  public List<RoundRecord> history = new ArrayList<>();

  @JsonPropertyDescription("Federated evaluation (spec.evaluation.federated): the newest model version the sites have evaluated on"
      + " their held-out splits.")
  public HeldOutEvaluation federatedEvaluation;

  /** A version as the sites' held-out splits judged it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HeldOutEvaluation {
    @JsonPropertyDescription("The model version evaluated.")
    public String version;
    @JsonPropertyDescription("accuracy or mse.")
    public String metric;
    @JsonPropertyDescription("The metric weighted by each site's held-out samples.")
    public Double value;
    @JsonPropertyDescription("Held-out samples in all.")
    public Long samples;
    @JsonPropertyDescription("Each site's held-out metric, by site.")
    public java.util.Map<String, Double> sites;
  }

  @JsonPropertyDescription("Buffered asynchronous aggregation (spec.strategy.type BufferedAsync): how fast versions come and how"
      + " stale the folded updates were. Each version's own record is in history (round = version).")
  public BufferedAsyncProgress bufferedAsync;

  /** A BufferedAsync run's pace and staleness, over every version made so far. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BufferedAsyncProgress {
    @JsonPropertyDescription("Versions made per minute since the run started.")
    public Double versionsPerMinute;
    @JsonPropertyDescription("Updates folded into versions.")
    public Long foldedUpdates;
    @JsonPropertyDescription("Updates refused for being staler than spec.strategy.bufferedAsync.maxStaleness.")
    public Long staleRefused;
    @JsonPropertyDescription("Median staleness (versions behind) of the folded updates.")
    public Integer stalenessP50;
    @JsonPropertyDescription("90th percentile staleness of the folded updates.")
    public Integer stalenessP90;
    @JsonPropertyDescription("Largest staleness of a folded update.")
    public Integer stalenessMax;
    @JsonPropertyDescription("Folded updates by staleness: entry s counts the updates s versions behind (0 = fresh).")
    public List<Long> stalenessHistogram = new ArrayList<>();
  }

  @JsonPropertyDescription("SimulationBursts this training created.")
  public List<String> burstsRequested = new ArrayList<>();

  @JsonPropertyDescription("Where each burst this training created was placed and why (spec.adaptiveSimulation.acquisition).")
  public List<BurstPlacement> burstPlacements = new ArrayList<>();

  @JsonPropertyDescription("Core-hours reserved by the bursts this training created (against spec.adaptiveSimulation.coreHourBudget).")
  public Double coreHoursRequested;

  /** One burst's placement. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BurstPlacement {
    @JsonPropertyDescription("The SimulationBurst.")
    public String burst;

    @JsonPropertyDescription("The round before which it was requested.")
    public Integer round;

    @JsonPropertyDescription("uniform, error or uncertainty: how its region was chosen.")
    public String acquisition;

    @JsonPropertyDescription("The part of the sweep it ran, e.g. 'diffusivity [0.005, 0.0175] windX [-1, 0]'; 'whole sweep' for uniform;"
        + " the regions joined by '; ' when it spread over several (regionsPerBurst).")
    public String region;

    @JsonPropertyDescription("The chosen region's score (mean squared error, or the ensemble's prediction variance; per expected"
        + " core-second when costAware), the best one's when several; absent for uniform.")
    public Double score;

    @JsonPropertyDescription("The best score of the regions not chosen, for comparison.")
    public Double runnerUpScore;

    @JsonPropertyDescription("Why it went there, in words.")
    public String reason;

    @JsonPropertyDescription("Core-hours it reserved.")
    public Double coreHours;
  }

  @JsonPropertyDescription("Sites this training does not select now, their updates refused round after round (spec.participants"
      + ".quarantineAfter); kept here so a restarted operator keeps them out.")
  public List<QuarantinedSite> quarantined;

  @JsonPropertyDescription("Model and update bytes moved between the coordinator and the sites in total (an evaluator site's downloads included).")
  public Long bytesMoved;

  @JsonPropertyDescription("When the training started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the training finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Differential privacy spent so far (when spec.privacy clips and adds noise).")
  public PrivacySpent privacy;

  /** The privacy accountant's ledger: what the rounds spent, and the (epsilon, delta) it adds up to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrivacySpent {
    @JsonPropertyDescription("Epsilon spent by the completed rounds at delta (RDP accounting of the sampled Gaussian mechanism).")
    public Double epsilon;
    @JsonPropertyDescription("The delta epsilon is reported at (spec.privacy.delta).")
    public Double delta;
    @JsonPropertyDescription("spec.privacy.epsilonBudget when set.")
    public Double epsilonBudget;
    @JsonPropertyDescription("Rounds accounted.")
    public Integer rounds;
    @JsonPropertyDescription("The completed rounds grouped by mechanism, from which epsilon is recomputed at any delta.")
    public List<PrivacyRounds> mechanisms = new ArrayList<>();
  }

  /** Rounds that ran the same mechanism: a sampling rate and a noise multiplier. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrivacyRounds {
    @JsonPropertyDescription("Sites selected / eligible sites in those rounds.")
    public Double samplingRate;
    @JsonPropertyDescription("Noise standard deviation / clip norm (spec.privacy.noiseMultiplier).")
    public Double noiseMultiplier;
    @JsonPropertyDescription("How many rounds ran this mechanism.")
    public Integer rounds;

    public PrivacyRounds() {}

    public PrivacyRounds(double samplingRate, double noiseMultiplier, int rounds) {
      this.samplingRate = samplingRate;
      this.noiseMultiplier = noiseMultiplier;
      this.rounds = rounds;
    }
  }

  /** A metric and its value. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricValue {
    @JsonPropertyDescription("accuracy or mse.")
    public String name;
    @JsonPropertyDescription("The value.")
    public Double value;

    public MetricValue() {}

    public MetricValue(String name, Double value) {
      this.name = name;
      this.value = value;
    }
  }

  /** A site the training keeps out of its rounds for now. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class QuarantinedSite {
    @JsonPropertyDescription("The EdgeSite.")
    public String site;
    @JsonPropertyDescription("Why: the refusals that led to it.")
    public String reason;
    @JsonPropertyDescription("First round that may select the site again; absent: until the EdgeSite's spec changes.")
    public Integer untilRound;
    @JsonPropertyDescription("The EdgeSite's metadata.generation when it was quarantined (a newer one re-admits it).")
    public Long edgeSiteGeneration;
  }

  /** An update the coordinator refused, and why. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Refusal {
    @JsonPropertyDescription("The site that sent it.")
    public String site;
    @JsonPropertyDescription("Why it was refused (the field and the bound).")
    public String reason;

    public Refusal() {}

    public Refusal(String site, String reason) {
      this.site = site;
      this.reason = reason;
    }
  }

  /** One completed round. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RoundRecord {
    @JsonPropertyDescription("Round number, from 1.")
    public Integer round;
    @JsonPropertyDescription("Sites whose updates were aggregated.")
    public List<String> participants = new ArrayList<>();
    @JsonPropertyDescription("Sites selected that did not deliver in time.")
    public List<String> missed = new ArrayList<>();
    @JsonPropertyDescription("Updates refused this round (admission or norm bound), by site with the reason (at most 20; an UpdateRefused Event"
        + " names every one); the round went on without them.")
    public List<Refusal> refused;
    @JsonPropertyDescription("Samples behind the aggregated updates.")
    public Long samples;
    @JsonPropertyDescription("Mean training loss reported by the sites, weighted by samples.")
    public Double loss;
    @JsonPropertyDescription("Global evaluation metric after aggregation.")
    public Double metric;
    @JsonPropertyDescription("Model and update bytes moved in this round (an evaluator site's download of its version included).")
    public Long bytes;
    @JsonPropertyDescription("Wall-clock seconds from round open to aggregation.")
    public Double seconds;
    @JsonPropertyDescription("Seconds the round took beyond its slowest site's own work: the time the round itself added. A site's"
        + " work is what it reports (from receiving the assignment to starting the upload), the upload as the coordinator saw it, and"
        + " one round trip of its measured link for the legs nobody times (the pushed assignment out, the first chunk in). Absent"
        + " when a site did not report its work, and for a retried round.")
    public Double overheadSeconds;
    @JsonPropertyDescription("Attempts needed (1 unless the quorum was missed).")
    public Integer attempts;
    @JsonPropertyDescription("Each aggregated site's own metric (as it reported it: on its local data, after its local training), by"
        + " site; the non-IID story beside the global metric. Reports that are not finite numbers are left out.")
    public java.util.Map<String, Double> siteMetrics;

    @JsonPropertyDescription("Planned rounds (roundDeadline.targetSeconds): why each eligible site was chosen or left out.")
    public java.util.Map<String, String> selection;

    @JsonPropertyDescription("Each selected site's update encoding for the round, its size and why (spec.wan.compression; auto fits the"
        + " upload into a quarter of the deadline at the site's measured rate).")
    public java.util.Map<String, String> encodings;
    @JsonPropertyDescription("Federated evaluation of the model this round produced: the next round's sites' held-out metric,"
        + " weighted by their held-out samples.")
    public Double heldOutMetric;
    @JsonPropertyDescription("Each evaluating site's held-out metric of this round's model, by site.")
    public java.util.Map<String, Double> heldOutSites;
    @JsonPropertyDescription("BufferedAsync: each folded site's staleness, versions between the model it trained from and the newest.")
    public java.util.Map<String, Integer> staleness;
    @JsonPropertyDescription("BufferedAsync: each folded site's share of the fold, its samples' fraction times its staleness weight.")
    public java.util.Map<String, Double> foldWeights;
    @JsonPropertyDescription("Privacy spent after this round: epsilon at status.privacy.delta (absent without clipping and noise).")
    public Double epsilon;
    @JsonPropertyDescription("When the round closed (RFC 3339).")
    public String completedAt;
  }
}
