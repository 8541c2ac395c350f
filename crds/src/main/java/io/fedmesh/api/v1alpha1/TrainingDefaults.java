package io.fedmesh.api.v1alpha1;

/**
 * Every default of a training, once. The CRD schema ({@code @Default}), the operator (when a field
 * is absent, as in a resource written before the default existed) and the local mesh all read
 * these constants; the text forms exist because annotation values must be compile-time strings.
 * The edge agent has no defaults of its own: the operator always sends explicit values.
 */
public final class TrainingDefaults {
  public static final int EPOCHS = 1;
  public static final String EPOCHS_TEXT = "1";
  public static final int BATCH_SIZE = 32;
  public static final String BATCH_SIZE_TEXT = "32";
  public static final double LEARNING_RATE = 0.05;
  public static final String LEARNING_RATE_TEXT = "0.05";
  public static final String LABEL_COLUMN = "label";
  public static final double PROXIMAL_MU = 0.01;
  public static final int MIN_SITES = 1;
  public static final String MIN_SITES_TEXT = "1";
  public static final double FRACTION = 1.0;
  public static final String FRACTION_TEXT = "1.0";
  public static final int DEADLINE_SECONDS = 120;
  public static final String DEADLINE_SECONDS_TEXT = "120";
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

  private TrainingDefaults() {}
}
