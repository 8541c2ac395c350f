package io.fedmesh.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** What a federated training run should do. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = FederatedTrainingSpec.KRUM_QUORUM_RULE, message = "Krum needs spec.participants.minSites of at least"
    + " 2 x strategy.krum.byzantine + 3 (5 with the default byzantine 1): it tolerates f hostile updates only among more than 2f+2")
public class FederatedTrainingSpec {
  static final String KRUM_QUORUM_RULE = "!has(self.strategy) || self.strategy.type != 'Krum' || (has(self.participants)"
      + " && has(self.participants.minSites) && self.participants.minSites >= 2 * (has(self.strategy.krum)"
      + " && has(self.strategy.krum.byzantine) ? self.strategy.krum.byzantine : " + TrainingDefaults.KRUM_BYZANTINE_TEXT + ") + 3)";

  static final String BUFFERED_ASYNC_ONLY_RULE = "!has(self.bufferedAsync) || self.type == 'BufferedAsync'";

  static final String DNS1123 = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @Required
  @Pattern(DNS1123)
  @JsonPropertyDescription("Name of the DistributedModel (same namespace) to train.")
  public String modelRef;

  @Required
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Number of federation rounds to run (fewer when the target is reached).")
  public Integer rounds;

  @JsonPropertyDescription("Seed of the initial model, the site selection and the sites' local shuffling and noise: the same seed"
      + " gives the same run. Absent: derived from the resource's uid (each training differs). Fixed when the run starts.")
  public Long seed;

  @JsonPropertyDescription("How updates are aggregated.")
  public Strategy strategy = new Strategy();

  @JsonPropertyDescription("Which sites take part.")
  public Participants participants = new Participants();

  @JsonPropertyDescription("What each site does in a round.")
  public LocalTraining localTraining = new LocalTraining();

  @JsonPropertyDescription("When a round closes without waiting for slow or dead sites.")
  public RoundDeadline roundDeadline = new RoundDeadline();

  @JsonPropertyDescription("How updates travel over the WAN.")
  public WanPolicy wan;

  @JsonPropertyDescription("Differential-privacy style clipping and noise applied at the sites.")
  public Privacy privacy;

  @JsonPropertyDescription("Stop early once the global model reaches this.")
  public Target target;

  @JsonPropertyDescription("Held-out evaluation of the global model after each round.")
  public Evaluation evaluation;

  @JsonPropertyDescription("HPC simulations that add training data while the training runs.")
  public AdaptiveSimulation adaptiveSimulation;

  @Size(max = 16)
  @JsonPropertyDescription("SimulationBursts (same namespace) whose produced samples join training as one more, cloud-side learner.")
  public List<String> simulationDataFrom = new ArrayList<>();

  /** Aggregation strategies. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.type != 'TrimmedMean' || (has(self.trimFraction) && self.trimFraction < 0.5)", message = "TrimmedMean needs trimFraction below 0.5")
  @ValidationRule(value = BUFFERED_ASYNC_ONLY_RULE, message = "strategy.bufferedAsync applies only to type BufferedAsync: set type"
      + " BufferedAsync or remove bufferedAsync")
  public static class Strategy {
    /** Supported strategies. */
    public enum Type { FedAvg, FedProx, TrimmedMean, Median, Krum, FedAdam, BufferedAsync }

    @Required
    @Default("FedAvg")
    @JsonPropertyDescription("FedAvg (weighted by samples), FedProx, TrimmedMean, Median, Krum (Multi-Krum with krum.select above 1)"
        + ", FedAdam (server-side Adam over the mean update) or BufferedAsync (FedBuff: no rounds; sites train continuously on the"
        + " newest model and every bufferedAsync.bufferSize updates fold into a new version, weighted by staleness; spec.rounds counts"
        + " versions).")
    public Type type = Type.FedAvg;

    @Min(0)
    @JsonPropertyDescription("FedProx proximal term mu.")
    public Double proximalMu;

    @Min(0)
    @Max(0.49)
    @JsonPropertyDescription("Fraction trimmed at each end for TrimmedMean.")
    public Double trimFraction;

    @JsonPropertyDescription("Krum / Multi-Krum settings (type Krum).")
    public Krum krum;

    @JsonPropertyDescription("FedAdam settings (type FedAdam); its moments are checkpointed with the model.")
    public FedAdam fedAdam;

    @JsonPropertyDescription("Buffered asynchronous aggregation settings (type BufferedAsync).")
    public BufferedAsync bufferedAsync;

    @Min(0)
    @JsonPropertyDescription("Most L2 norm an update's difference from the round's global model may have; a larger one is refused"
        + " before aggregation and named in the round's record. 0 or absent: automatic, " + TrainingDefaults.NORM_BOUND_FACTOR_TEXT
        + " x the median norm of the round's updates (a round with fewer than " + TrainingDefaults.NORM_BOUND_MIN_UPDATES_TEXT
        + " updates keeps all).")
    public Double maxUpdateNorm;
  }

  /** Krum (Blanchard et al. 2017): the update(s) closest to their n-f-2 nearest neighbours. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Krum {
    @Min(0)
    @Default(TrainingDefaults.KRUM_BYZANTINE_TEXT)
    @JsonPropertyDescription("f: Byzantine sites tolerated per round; a round needs more than 2f+2 updates.")
    public Integer byzantine = TrainingDefaults.KRUM_BYZANTINE;

    @Min(1)
    @Default(TrainingDefaults.KRUM_SELECT_TEXT)
    @JsonPropertyDescription("m: best-scored updates averaged (1 is Krum, more is Multi-Krum); at most n-f.")
    public Integer select = TrainingDefaults.KRUM_SELECT;
  }

  /** FedAdam (Reddi et al. 2021, Adaptive Federated Optimization): Adam on the server over the mean update. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FedAdam {
    @Min(0.000001)
    @Max(10)
    @Default(TrainingDefaults.FEDADAM_LEARNING_RATE_TEXT)
    @JsonPropertyDescription("Server learning rate eta.")
    public Double serverLearningRate = TrainingDefaults.FEDADAM_LEARNING_RATE;

    @Min(0)
    @Max(0.999999)
    @Default(TrainingDefaults.FEDADAM_BETA1_TEXT)
    @JsonPropertyDescription("First-moment decay beta1, in [0, 1).")
    public Double beta1 = TrainingDefaults.FEDADAM_BETA1;

    @Min(0)
    @Max(0.999999)
    @Default(TrainingDefaults.FEDADAM_BETA2_TEXT)
    @JsonPropertyDescription("Second-moment decay beta2, in [0, 1).")
    public Double beta2 = TrainingDefaults.FEDADAM_BETA2;

    @Min(0.000000001)
    @Default(TrainingDefaults.FEDADAM_TAU_TEXT)
    @JsonPropertyDescription("Adaptivity tau (added to the root of the second moment; larger is closer to FedAvgM).")
    public Double tau = TrainingDefaults.FEDADAM_TAU;
  }

  /**
   * FedBuff (Nguyen et al. 2022, Federated Learning with Buffered Asynchronous Aggregation): the
   * server folds every K updates into a new version, each damped by how many versions it is behind.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BufferedAsync {
    /** How an update's weight falls with its staleness s (versions made since the model it trained from). */
    public enum StalenessWeighting { Polynomial, Constant }

    @Min(1)
    @Max(1000)
    @Default(TrainingDefaults.BUFFER_SIZE_TEXT)
    @JsonPropertyDescription("K: accepted updates folded into each new model version. A version is also made from fewer when every"
        + " site still available has delivered into the buffer, so a site that leaves blocks nothing.")
    public Integer bufferSize = TrainingDefaults.BUFFER_SIZE;

    @Min(0)
    @Max(100)
    @Default(TrainingDefaults.MAX_STALENESS_TEXT)
    @JsonPropertyDescription("Most versions an update's model may be behind the newest; a staler update is refused, its site and"
        + " staleness named in an UpdateRefused Event. 0 accepts only updates of the newest version.")
    public Integer maxStaleness = TrainingDefaults.MAX_STALENESS;

    @Default("Polynomial")
    @JsonPropertyDescription("Polynomial: an update s versions behind counts 1/sqrt(1+s) of a fresh one; Constant: every accepted"
        + " update counts the same.")
    public StalenessWeighting stalenessWeighting = StalenessWeighting.Polynomial;
  }

  /** Which sites take part. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.maxSites) || self.minSites <= self.maxSites", message = "minSites must not exceed maxSites")
  public static class Participants {
    @JsonPropertyDescription("EdgeSites (by labels) that may take part; empty selects every site in the namespace.")
    public LabelSelector siteSelector;

    @Min(1)
    @Default(TrainingDefaults.MIN_SITES_TEXT)
    @JsonPropertyDescription("Quorum: a round needs updates from at least this many sites.")
    public Integer minSites = TrainingDefaults.MIN_SITES;

    @Min(1)
    @JsonPropertyDescription("Most sites selected per round; unset means all eligible.")
    public Integer maxSites;

    @Min(0.01)
    @Max(1)
    @Default(TrainingDefaults.FRACTION_TEXT)
    @JsonPropertyDescription("Fraction of eligible sites sampled per round (at least minSites).")
    public Double fraction = TrainingDefaults.FRACTION;

    @Min(1)
    @Max(1000)
    @Default(TrainingDefaults.QUARANTINE_AFTER_TEXT)
    @JsonPropertyDescription("A site whose update is refused in this many consecutive rounds of this training is quarantined: not selected again for a while (its EdgeSite status says why).")
    public Integer quarantineAfter = TrainingDefaults.QUARANTINE_AFTER;

    @Min(0)
    @Max(10000)
    @Default(TrainingDefaults.QUARANTINE_ROUNDS_TEXT)
    @JsonPropertyDescription("Rounds of this training a quarantined site sits out; 0 keeps it out until its EdgeSite spec is edited"
        + " (re-admitted, e.g. cordoned and uncordoned).")
    public Integer quarantineRounds = TrainingDefaults.QUARANTINE_ROUNDS;

    @Min(0)
    @Max(1000)
    @Default(TrainingDefaults.FAIRNESS_ROUNDS_TEXT)
    @JsonPropertyDescription("Planned rounds (roundDeadline.targetSeconds): a site left out this many rounds in a row is chosen in the"
        + " next, however slow its forecast; 0 sets no bound.")
    public Integer fairnessRounds = TrainingDefaults.FAIRNESS_ROUNDS;
  }

  /** Local training at each site. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LocalTraining {
    @Min(1)
    @Max(1000)
    @Default(TrainingDefaults.EPOCHS_TEXT)
    @JsonPropertyDescription("Local epochs per round.")
    public Integer epochs = TrainingDefaults.EPOCHS;

    @Min(1)
    @Max(65536)
    @Default(TrainingDefaults.BATCH_SIZE_TEXT)
    @JsonPropertyDescription("Mini-batch size.")
    public Integer batchSize = TrainingDefaults.BATCH_SIZE;

    @Min(0.000001)
    @Max(10)
    @JsonPropertyDescription("Learning rate of the local optimizer; absent: 0.003 with adam, 0.05 with sgd.")
    public Double learningRate;

    /** The local optimizer. */
    public enum Optimizer {
      @JsonProperty("sgd") SGD,
      @JsonProperty("adam") ADAM
    }

    @Default(TrainingDefaults.OPTIMIZER_TEXT)
    @JsonPropertyDescription("Local optimizer: adam (adaptive steps per parameter: copes with inputs on different scales) or sgd"
        + " (plain stochastic gradient descent); its state starts fresh every round.")
    public Optimizer optimizer = Optimizer.ADAM;

    /** The optimizer a site runs: absent is adam. */
    public Optimizer effectiveOptimizer() {
      return optimizer == null ? Optimizer.ADAM : optimizer;
    }

    /** The learning rate a site uses: the spec's, else the default of the optimizer. */
    public double effectiveLearningRate() {
      if (learningRate != null) {
        return learningRate;
      }
      return effectiveOptimizer() == Optimizer.ADAM ? TrainingDefaults.ADAM_LEARNING_RATE : TrainingDefaults.SGD_LEARNING_RATE;
    }

    /** The wire name of {@link #effectiveOptimizer()}. */
    public String optimizerName() {
      return effectiveOptimizer() == Optimizer.ADAM ? "adam" : "sgd";
    }

    @Pattern("^[A-Za-z_][A-Za-z0-9_.-]*$")
    @Default(TrainingDefaults.LABEL_COLUMN)
    @JsonPropertyDescription("Name of the label column in the sites' CSV files.")
    public String labelColumn = TrainingDefaults.LABEL_COLUMN;
  }

  /** Round deadlines. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.minSeconds) || !has(self.maxSeconds) || self.minSeconds <= self.maxSeconds", message = "minSeconds must not exceed maxSeconds")
  public static class RoundDeadline {
    @Min(1)
    @Max(86400)
    @Default(TrainingDefaults.DEADLINE_SECONDS_TEXT)
    @JsonPropertyDescription("Deadline of the first round in seconds.")
    public Integer initialSeconds = TrainingDefaults.DEADLINE_SECONDS;

    @Default("true")
    @JsonPropertyDescription("Adapt the deadline to observed round times (a multiple of the median of recent rounds).")
    public Boolean adaptive = true;

    @Min(1)
    @JsonPropertyDescription("Lower bound of an adaptive deadline.")
    public Integer minSeconds;

    @Min(1)
    @JsonPropertyDescription("Upper bound of an adaptive deadline.")
    public Integer maxSeconds;

    @Min(0)
    @Max(100)
    @Default(TrainingDefaults.MAX_RETRIES_TEXT)
    @JsonPropertyDescription("How often a round below quorum at its deadline is retried before the training fails.")
    public Integer maxRetries = TrainingDefaults.MAX_RETRIES;

    @Min(0)
    @Max(86400)
    @JsonPropertyDescription("Plan each round to finish in this many seconds (0: automatic, the median of the eligible sites'"
        + " forecasts, so a site forecast over twice the typical one is a straggler): sites are ranked by utility (samples x last training"
        + " loss) discounted by their forecast round time (EdgeSite status.roundForecast) when it is over the target, a site forecast"
        + " beyond twice the target is left out as a straggler, and the deadline is 1.5 x the slowest chosen forecast (initialSeconds"
        + " while a chosen site has no forecast yet; within minSeconds..maxSeconds). history[].selection says why each site was chosen or left out. Absent: rounds are not planned.")
    public Integer targetSeconds;
  }

  /** Update transport. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class WanPolicy {
    /** Update encodings. */
    public enum Compression {
      @JsonProperty("none") NONE,
      @JsonProperty("fp16") FP16,
      @JsonProperty("int8") INT8,
      @JsonProperty("topk") TOPK,
      @JsonProperty("auto") AUTO
    }

    @Default("none")
    @JsonPropertyDescription("none (float32), fp16, int8, topk (the topkFraction largest entries of the update's delta; the site"
        + " carries the rest into its next round), or auto: per site and round the widest of fp32, fp16, int8 and top-k whose"
        + " upload fits a quarter of the round's deadline at the site's measured upload rate (history[].encodings says which and"
        + " why). topk and auto's top-k need synchronous rounds (not BufferedAsync, whose auto stops at int8).")
    public Compression compression = Compression.NONE;

    @Min(0.0001)
    @Max(0.5)
    @JsonPropertyDescription("compression topk: the fraction of the parameters each update sends (default 0.01). auto picks the"
        + " fraction that fits, never below 0.001.")
    public Double topkFraction;

    @Min(0)
    @JsonPropertyDescription("Most update bytes accepted per round across all sites; sites beyond it are left out of the round.")
    public Long byteBudgetPerRound;
  }

  /** Privacy at the sites. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.epsilonBudget) || (self.epsilonBudget > 0.0 && has(self.clipNorm) && self.clipNorm > 0.0"
      + " && has(self.noiseMultiplier) && self.noiseMultiplier > 0.0)",
      message = "epsilonBudget must be above 0 and needs clipNorm and noiseMultiplier above 0")
  @ValidationRule(value = "!has(self.delta) || (self.delta > 0.0 && self.delta < 1.0)", message = "delta must be in (0, 1), e.g. 1e-5")
  public static class Privacy {
    @Min(0)
    @JsonPropertyDescription("Clip each update's L2 norm (relative to the global model) to this; 0 disables.")
    public Double clipNorm;

    @Min(0)
    @JsonPropertyDescription("Gaussian noise multiplier applied after clipping; 0 disables.")
    public Double noiseMultiplier;

    @JsonPropertyDescription("Stop before a round would make the spent epsilon (site-level, at delta) exceed this: the training then"
        + " Succeeds with reason PrivacyBudgetExhausted. Needs clipNorm and noiseMultiplier above 0. Absent: no limit (epsilon is"
        + " still reported).")
    public Double epsilonBudget;

    @Default(TrainingDefaults.PRIVACY_DELTA_TEXT)
    @JsonPropertyDescription("The delta of the (epsilon, delta) guarantee that status.privacy reports, in (0, 1); below 1/sites.")
    public Double delta;
  }

  /** Early stop. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.metric != 'accuracy' || (self.value >= 0.0 && self.value <= 1.0)", message = "an accuracy target must be between 0 and 1")
  public static class Target {
    /** Metrics a target may name. */
    public enum Metric {
      @JsonProperty("accuracy") ACCURACY,
      @JsonProperty("loss") LOSS,
      @JsonProperty("mse") MSE
    }

    @Required
    @JsonPropertyDescription("accuracy (higher is better), loss or mse (lower is better).")
    public Metric metric;

    @Required
    @JsonPropertyDescription("Value at which the training succeeds early.")
    public Double value;
  }

  /** Held-out evaluation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Evaluation {
    @Pattern(DNS1123)
    @JsonPropertyDescription("Central evaluation: the EdgeSite (spec.role: evaluator, same namespace) whose agent holds the test set"
        + " and evaluates every model version before its round completes; the version's metric (status.metric, history[].metric,"
        + " the target) is the evaluator's. Unset: the sites' own metrics are averaged (or, with federated, recorded beside them).")
    public String evaluatorRef;

    @Min(1)
    @Max(86400)
    @Default(TrainingDefaults.EVALUATION_TIMEOUT_SECONDS_TEXT)
    @JsonPropertyDescription("How long a round waits for the evaluator's report; after it (or when the evaluator is gone) the round"
        + " completes with the sites' average metric, and an Event says so.")
    public Integer timeoutSeconds = TrainingDefaults.EVALUATION_TIMEOUT_SECONDS;

    @JsonPropertyDescription("Federated evaluation: every selected site holds out a fixed part of its data (holdoutFraction) and"
        + " evaluates the global model it receives on it before training; each round record gets the weighted held-out metric"
        + " of the model it produced and every site's (status.history[].heldOutMetric, heldOutSites; status.federatedEvaluation)."
        + " The model a round produces is evaluated by the sites of the next round; the last version by the last round's sites after it.")
    public Boolean federated;

    @JsonPropertyDescription("With federated: the fraction of each site's samples held out of training, above 0 and at most 0.5"
        + " (default 0.1).")
    public Double holdoutFraction;
  }

  /** Simulation bursts triggered by the state of the model. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AdaptiveSimulation {
    /** What fires a burst. */
    public enum Trigger {
      @JsonProperty("plateau") PLATEAU,
      @JsonProperty("lowData") LOW_DATA,
      @JsonProperty("always") ALWAYS
    }

    @Pattern(DNS1123)
    @JsonPropertyDescription("HpcCluster (same namespace) to burst to. Unset: the namespace's default HpcCluster (annotated fedmesh.io/default-cluster: \"true\"), or its only one.")
    public String clusterRef;

    @Default("plateau")
    @JsonPropertyDescription("plateau (metric gained less than minDelta over patience rounds), lowData (fewer than minSamples), always (once, at start).")
    public Trigger trigger = Trigger.PLATEAU;

    @Min(1)
    @Default("2")
    @JsonPropertyDescription("Rounds without improvement before a plateau fires.")
    public Integer patience = 2;

    @Min(0)
    @Default("0.005")
    @JsonPropertyDescription("Smallest gain that counts as improvement.")
    public Double minDelta = 0.005;

    @Min(0)
    @JsonPropertyDescription("lowData fires when the cohort holds fewer samples than this.")
    public Long minSamples;

    @Min(0)
    @Max(100)
    @Default("1")
    @JsonPropertyDescription("Most bursts this training may request.")
    public Integer maxBursts = 1;

    @Required
    @JsonPropertyDescription("The burst to create when the trigger fires (clusterRef is filled in).")
    public SimulationBurstSpec burstTemplate;

    /** Where a requested burst's parameters go. */
    public enum Acquisition {
      @JsonProperty("uniform") UNIFORM,
      @JsonProperty("error") ERROR,
      @JsonProperty("uncertainty") UNCERTAINTY
    }

    @Default("uniform")
    @JsonPropertyDescription("Where each burst's parameters go. uniform: the template's whole sweep (as before). error: the region of"
        + " the sweep where the current model errs most on the simulation samples so far. uncertainty: the region where the last"
        + " ensembleSize model versions disagree most. The first burst, with no model or samples to judge by, is uniform.")
    public Acquisition acquisition = Acquisition.UNIFORM;

    @Min(1)
    @Max(8)
    @Default("2")
    @JsonPropertyDescription("error/uncertainty: each swept parameter's range is cut into this many intervals; every combination is a"
        + " region (at most 4096), and a guided burst sweeps one region.")
    public Integer regionsPerParameter = 2;

    @Min(1)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription("error/uncertainty: how many of the highest-ranked regions a guided burst spreads its tasks over"
        + " (round robin, at most one region per task). 1 narrows the burst's sweep to the single worst region; more write the"
        + " burst's spec.regions. Spreading keeps a burst from spending all its tasks in one box while the test weighs the whole space.")
    public Integer regionsPerBurst = 1;

    @Default("false")
    @JsonPropertyDescription("error/uncertainty: rank regions by score per expected core-second instead of by score alone. A task's"
        + " cost is the built-in solver's cell updates at the region's centre (grid^2 x stable steps; steps grow with wind and"
        + " diffusivity); for type application every region costs the same, and the placement's reason says so.")
    public Boolean costAware = false;

    @Min(2)
    @Max(16)
    @Default("4")
    @JsonPropertyDescription("uncertainty: how many of the latest model versions form the ensemble whose spread is scored.")
    public Integer ensembleSize = 4;

    @Min(0)
    @JsonPropertyDescription("Most core-hours this training's bursts may reserve, counted as tasks x ranksPerTask x walltimeSeconds /"
        + " 3600 per burst (what a scheduler charges at most); a burst that would pass it is not requested. Unset: no limit.")
    public Double coreHourBudget;
  }
}
