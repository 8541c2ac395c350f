package io.fedmesh.api.v1alpha1;

/**
 * Every default of a training, once. The CRD schema ({@code @Default}), the operator (when a field
 * is absent, as in a resource written before the default existed) and the local mesh all read
 * these constants; the text forms exist because annotation values must be compile-time strings.
 * The edge agent has no defaults of its own: the operator always sends explicit values.
 */
public final class TrainingDefaults {
  /** spec.seed, or (absent) one derived from the training's uid, as before spec.seed existed. */
  public static long seed(Long specSeed, String uid) {
    return specSeed != null ? specSeed : uid == null ? 0 : uid.hashCode();
  }

  /**
   * Local training, chosen on real data (8x8 digits, 4 sites, Dirichlet 0.5, docs/resources.md):
   * Adam copes with unscaled inputs where SGD at one rate diverges or stalls, and two local passes
   * give each round enough steps on sites of a few hundred samples.
   */
  public static final int EPOCHS = 2;
  public static final String EPOCHS_TEXT = "2";
  public static final String OPTIMIZER_TEXT = "adam";
  /** spec.localTraining.learningRate when absent, by optimizer. */
  public static final double ADAM_LEARNING_RATE = 0.003;
  public static final double SGD_LEARNING_RATE = 0.05;
  public static final int BATCH_SIZE = 32;
  public static final String BATCH_SIZE_TEXT = "32";
  public static final String LABEL_COLUMN = "label";
  /** Federated evaluation: the part of each site's samples held out of training. */
  public static final double HOLDOUT_FRACTION = 0.1;
  /** spec.evaluation.timeoutSeconds: how long a round waits for its evaluator's report. */
  public static final int EVALUATION_TIMEOUT_SECONDS = 120;
  public static final String EVALUATION_TIMEOUT_SECONDS_TEXT = "120";
  public static final double PROXIMAL_MU = 0.01;
  public static final int MIN_SITES = 1;
  public static final String MIN_SITES_TEXT = "1";
  public static final double FRACTION = 1.0;
  public static final String FRACTION_TEXT = "1.0";
  public static final int DEADLINE_SECONDS = 120;
  public static final String DEADLINE_SECONDS_TEXT = "120";
  /** Planned rounds: every eligible site takes part at least once in this many rounds. */
  public static final int FAIRNESS_ROUNDS = 5;
  public static final String FAIRNESS_ROUNDS_TEXT = "5";
  public static final int MAX_RETRIES = 3;
  public static final String MAX_RETRIES_TEXT = "3";
  /** The delta at which the privacy accountant reports epsilon. */
  public static final double PRIVACY_DELTA = 1e-5;
  public static final String PRIVACY_DELTA_TEXT = "1e-5";
  /** Deadline of one call from the operator to an hpc-bridge (HpcCluster spec.bridge.timeoutSeconds). */
  public static final int BRIDGE_TIMEOUT_SECONDS = 10;
  public static final String BRIDGE_TIMEOUT_SECONDS_TEXT = "10";
  /** Deadline of a bridge data download, which moves whole burst outputs. */
  public static final int BRIDGE_FETCH_TIMEOUT_SECONDS = 60;

  /** Krum's f (Byzantine sites tolerated per round) and m (updates averaged; 1 is plain Krum). */
  public static final int KRUM_BYZANTINE = 1;
  public static final String KRUM_BYZANTINE_TEXT = "1";
  public static final int KRUM_SELECT = 1;
  public static final String KRUM_SELECT_TEXT = "1";
  /** FedAdam defaults after Reddi et al. (2021): eta 0.01 suits SGD-trained MLPs; tau 1e-3 as in their sweeps. */
  public static final int BUFFER_SIZE = 3;
  public static final String BUFFER_SIZE_TEXT = "3";
  public static final int MAX_STALENESS = 5;
  public static final String MAX_STALENESS_TEXT = "5";
  public static final double FEDADAM_LEARNING_RATE = 0.01;
  public static final String FEDADAM_LEARNING_RATE_TEXT = "0.01";
  public static final double FEDADAM_BETA1 = 0.9;
  public static final String FEDADAM_BETA1_TEXT = "0.9";
  public static final double FEDADAM_BETA2 = 0.99;
  public static final String FEDADAM_BETA2_TEXT = "0.99";
  public static final double FEDADAM_TAU = 0.001;
  public static final String FEDADAM_TAU_TEXT = "0.001";
  /**
   * The automatic norm bound (spec.strategy.maxUpdateNorm 0 or absent): k x the median delta norm
   * of the round. Honest updates of one round differ in norm by small factors; k = 3 leaves them
   * room and still refuses a boosted (scaled) update.
   */
  public static final double NORM_BOUND_FACTOR = 3.0;
  public static final String NORM_BOUND_FACTOR_TEXT = "3";
  /** Fewer updates than this give no trustworthy median: the automatic bound keeps them all. */
  public static final int NORM_BOUND_MIN_UPDATES = 3;
  public static final String NORM_BOUND_MIN_UPDATES_TEXT = "3";
  /** Consecutive rounds with a refused update before a site is quarantined, and the rounds it then sits out. */
  public static final int QUARANTINE_AFTER = 3;
  public static final String QUARANTINE_AFTER_TEXT = "3";
  public static final int QUARANTINE_ROUNDS = 5;
  public static final String QUARANTINE_ROUNDS_TEXT = "5";

  private TrainingDefaults() {}
}
