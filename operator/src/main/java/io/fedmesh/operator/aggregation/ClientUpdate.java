package io.fedmesh.operator.aggregation;

/**
 * One site's trained weights for a round, as received.
 *
 * @param heldOut null when the site did not evaluate (no federated evaluation)
 * @param workSeconds the site's time on the round: download and training as it reported them plus
 *     the upload as the coordinator saw it; NaN when the site did not report it
 */
public record ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes,
    double workSeconds, HeldOut heldOut) {
  /**
   * The site's evaluation of the global model the update started from, on its held-out split
   * (federated evaluation).
   */
  public record HeldOut(double metric, double loss, long samples) {}

  /** Everything but the weights. */
  public UpdateFacts facts() {
    return new UpdateFacts(site, samples, trainLoss, localMetric, bytes, workSeconds, heldOut);
  }

  public ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes) {
    this(site, weights, samples, trainLoss, localMetric, bytes, Double.NaN, null);
  }

  public ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes,
      double workSeconds) {
    this(site, weights, samples, trainLoss, localMetric, bytes, workSeconds, null);
  }
}
