package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.operator.aggregation.Strategies;
import java.util.Optional;

/**
 * Whether a training's rounds fit the operator's memory budget ({@code --memory-budget}, by
 * default half the JVM's maximum heap). While an update streams in its bytes are buffered (at
 * most 4 bytes a parameter, float32) and then decoded (4 bytes a parameter). Then it depends on
 * the strategy: FedAvg, FedProx and FedAdam fold each update into one running mean in double (8
 * bytes a parameter, whatever the cohort) and let it go, and the coordinator's upload window (a
 * quarter of the budget, shared by every training) bounds how many uploads are in flight at once,
 * so such a round's need does not grow with its cohort once the window is full; Median,
 * TrimmedMean, Krum and BufferedAsync keep every update as float32 until the round (or fold)
 * closes, and every site of their cohort may be uploading. Beside them live the global model, its
 * published bytes, the aggregate and the checkpoint's encoding. The cohort is
 * spec.participants.maxSites, or, without it, every EdgeSite the namespace has now.
 */
public final class MemoryBudget {
  /** Copies of the model a round keeps besides its updates: global, published bytes, aggregate, checkpoint encoding. */
  static final int MODEL_COPIES = 4;
  /** Copies per update of a round that keeps its updates: as received and decoded, and its upload buffer. */
  static final int COPIES_PER_UPDATE = 2;
  /** Copies per upload in flight of a streaming round: its buffer and its decoded weights (folded and let go). */
  static final int COPIES_PER_STREAMED_UPDATE = 2;
  /** A streaming round's running mean: one double, two float32 copies' worth, per parameter. */
  static final int RUNNING_MEAN_COPIES = 2;
  /** The coordinator's upload window is this part of the budget. */
  static final int UPLOAD_WINDOW_SHARE = 4;

  private final long budgetBytes;

  public MemoryBudget(long budgetBytes) {
    if (budgetBytes < 1) {
      throw new IllegalArgumentException("--memory-budget must be positive (got " + budgetBytes + " bytes)");
    }
    this.budgetBytes = budgetBytes;
  }

  /** Half the heap the JVM may grow to: the rest is for the informer caches, gRPC and everything else. */
  public static long defaultBytes() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  /** The memory the coordinator's uploads in flight may hold at once (UploadWindow) under a budget of {@code budgetBytes}. */
  public static long uploadWindowBytes(long budgetBytes) {
    return Math.max(1, budgetBytes / UPLOAD_WINDOW_SHARE);
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Uploads of a model of {@code parameters} a streaming round may have in flight: what the window holds, at least one. */
  int uploadsInFlight(long parameters, int cohort) {
    long perUpload = 4L * parameters * COPIES_PER_STREAMED_UPDATE;
    return (int) Math.min(cohort, Math.max(1, uploadWindowBytes(budgetBytes) / perUpload));
  }

  /** Bytes the rounds of a model of {@code parameters} hold with {@code cohort} updates, streamed into a running mean or kept. */
  long needed(long parameters, int cohort, boolean streaming) {
    return 4L * parameters * (streaming
        ? (long) COPIES_PER_STREAMED_UPDATE * uploadsInFlight(parameters, cohort) + MODEL_COPIES + RUNNING_MEAN_COPIES
        : (long) COPIES_PER_UPDATE * cohort + MODEL_COPIES);
  }

  /**
   * Why the training does not fit (how much it needs and what to change), or empty when it does.
   *
   * @param sitesNow EdgeSites in the training's namespace (the cohort when maxSites is unset)
   */
  public Optional<String> check(FederatedTrainingSpec spec, ModelDescription model, int sitesNow) {
    Integer maxSites = spec.participants == null ? null : spec.participants.maxSites;
    int minSites = spec.participants == null || spec.participants.minSites == null ? 1 : spec.participants.minSites;
    // the cloud-side simulation learner is one more participant
    int learner = spec.adaptiveSimulation != null || (spec.simulationDataFrom != null && !spec.simulationDataFrom.isEmpty()) ? 1 : 0;
    int cohort = (maxSites != null ? maxSites : Math.max(minSites, sitesNow)) + learner;
    boolean streaming = Strategies.streams(spec.strategy);
    long p = model.parameterCount();
    long need = needed(p, cohort, streaming);
    if (need <= budgetBytes) {
      return Optional.empty();
    }
    String cohortText = maxSites != null ? "spec.participants.maxSites " + maxSites : sitesNow + " EdgeSites (no spec.participants.maxSites)";
    String fix;
    String updates;
    if (streaming) {
      // more sites cost nothing more once the window is full, so only the model or the budget can change it
      fix = "use a smaller model in the DistributedModel, or raise the operator's --memory-budget (and its memory limit)";
      int inFlight = uploadsInFlight(p, cohort);
      updates = COPIES_PER_STREAMED_UPDATE + " x " + inFlight + " uploads in flight of " + cohort + " updates streaming in of "
          + cohortText + " (the upload window of " + size(uploadWindowBytes(budgetBytes)) + " holds " + inFlight + ")";
    } else {
      long perSite = needed(p, 1, false) - needed(p, 0, false);
      long fits = Math.max(0, (budgetBytes - needed(p, 0, false)) / perSite) - learner;
      fix = fits >= minSites
          ? "set spec.participants.maxSites to at most " + fits + ", or raise the operator's --memory-budget (and its memory limit)"
          : "use a smaller model in the DistributedModel, or raise the operator's --memory-budget (and its memory limit)";
      updates = COPIES_PER_UPDATE + " x " + cohort + " updates kept of " + cohortText;
    }
    String mean = streaming ? " + " + RUNNING_MEAN_COPIES + " for the running mean" : "";
    return Optional.of("a round of this training needs about " + size(need) + " of operator memory (" + p
        + " parameters x 4 bytes x (" + updates + (learner == 1 ? " + the simulation learner" : "") + " + " + MODEL_COPIES
        + " model copies" + mean + ")) but the operator's memory budget is " + size(budgetBytes) + "; " + fix);
  }

  /** Bytes in the largest unit that keeps a whole number, rounded up (a need is never understated). */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    if (bytes < 1L << 20) {
      return ((bytes + 1023) >> 10) + " KiB";
    }
    return ((bytes + (1L << 20) - 1) >> 20) + " MiB";
  }
}
