package io.fedmesh.operator.aggregation;

/**
 * One site's trained weights for a round, as received.
 *
 * @param workSeconds the site's time on the round: download and training as it reported them plus
 *     the upload as the coordinator saw it; NaN when the site did not report it
 */
public record ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes,
    double workSeconds) {
  public ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes) {
    this(site, weights, samples, trainLoss, localMetric, bytes, Double.NaN);
  }
}
