package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a BufferedAsync run keeps in memory besides {@link TrainingRun}: its settings, when the
 * buffer last made progress, and the weights of the recent versions its updates may be trained
 * from (a fold subtracts each update's own base). Rebuilt after a restart from status, the
 * checkpoints and the durable inbox.
 */
final class BufferedRun {
  final int bufferSize;
  final int maxStaleness;
  final FederatedTrainingSpec.BufferedAsync.StalenessWeighting weighting;
  /** When the newest version was made (or the run started): a buffer that waits past the deadline folds what it has. */
  Instant bufferOpenedAt;
  /** Whether the durable inbox was read back into the buffer (once per process). */
  boolean recovered;
  /**
   * Each site's encoding of the assignment it works on, and why (EncodingChoice's reason), for the
   * record of the version its update folds into. In memory: after a restart a record may lack it.
   */
  final Map<String, String> encodings = new java.util.concurrent.ConcurrentHashMap<>();
  /** Version name to weights, the newest maxStaleness + 1 of them. */
  private final Map<String, float[]> versions = new LinkedHashMap<>();

  BufferedRun(FederatedTrainingSpec.Strategy strategy) {
    FederatedTrainingSpec.BufferedAsync b = strategy == null || strategy.bufferedAsync == null ? new FederatedTrainingSpec.BufferedAsync()
        : strategy.bufferedAsync;
    this.bufferSize = b.bufferSize == null ? TrainingDefaults.BUFFER_SIZE : b.bufferSize;
    this.maxStaleness = b.maxStaleness == null ? TrainingDefaults.MAX_STALENESS : b.maxStaleness;
    this.weighting = b.stalenessWeighting == null ? FederatedTrainingSpec.BufferedAsync.StalenessWeighting.Polynomial : b.stalenessWeighting;
  }

  static boolean applies(FederatedTrainingSpec.Strategy strategy) {
    return strategy != null && strategy.type == FederatedTrainingSpec.Strategy.Type.BufferedAsync;
  }

  void remember(String version, float[] weights) {
    versions.remove(version);
    versions.put(version, weights);
    while (versions.size() > maxStaleness + 1) {
      versions.remove(versions.keySet().iterator().next());
    }
  }

  float[] weightsOf(String version) {
    return versions.get(version);
  }
}
