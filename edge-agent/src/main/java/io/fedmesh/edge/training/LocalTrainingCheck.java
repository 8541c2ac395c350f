package io.fedmesh.edge.training;

import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.Optional;
import java.util.Set;

/**
 * The agent has no training defaults of its own: the operator sends every value explicitly, so a
 * missing or impossible one is a broken assignment to refuse, never one to fill in.
 */
public final class LocalTrainingCheck {
  static final Set<String> OPTIMIZERS = Set.of("sgd", "adam");

  private LocalTrainingCheck() {}

  /** Why these settings cannot be trained with, naming the field; empty when they can. */
  public static Optional<String> problem(LocalTraining t) {
    if (t.getEpochs() <= 0) {
      return Optional.of("local.epochs must be > 0 (got " + t.getEpochs() + ")");
    }
    if (t.getBatchSize() <= 0) {
      return Optional.of("local.batch_size must be > 0 (got " + t.getBatchSize() + ")");
    }
    if (!(t.getLearningRate() > 0) || Double.isInfinite(t.getLearningRate())) {
      return Optional.of("local.learning_rate must be > 0 (got " + t.getLearningRate() + ")");
    }
    if (!OPTIMIZERS.contains(t.getOptimizer())) {
      return Optional.of("local.optimizer must be sgd or adam (got '" + t.getOptimizer() + "')");
    }
    // 0 is an explicit "off" for these three; only a negative value is impossible
    if (!(t.getProximalMu() >= 0)) {
      return Optional.of("local.proximal_mu must be >= 0 (got " + t.getProximalMu() + ")");
    }
    if (!(t.getClipNorm() >= 0)) {
      return Optional.of("local.clip_norm must be >= 0 (got " + t.getClipNorm() + ")");
    }
    if (!(t.getNoiseMultiplier() >= 0)) {
      return Optional.of("local.noise_multiplier must be >= 0 (got " + t.getNoiseMultiplier() + ")");
    }
    return Optional.empty();
  }

  /** Why the assignment's encoding cannot be sent, naming the field; empty when it can. */
  public static Optional<String> encodingProblem(io.fedmesh.proto.federation.v1.Encoding encoding, double topkFraction) {
    if (encoding == io.fedmesh.proto.federation.v1.Encoding.UNRECOGNIZED) {
      return Optional.of("encoding is one this agent does not know: upgrade the agent");
    }
    if (encoding == io.fedmesh.proto.federation.v1.Encoding.ENCODING_TOPK
        && (!(topkFraction > 0) || topkFraction > io.fedmesh.common.codec.SparseDelta.MAX_FRACTION)) {
      return Optional.of("topk_fraction must be in (0, " + io.fedmesh.common.codec.SparseDelta.MAX_FRACTION
          + "] for a top-k encoding (got " + topkFraction + ")");
    }
    return Optional.empty();
  }
}
