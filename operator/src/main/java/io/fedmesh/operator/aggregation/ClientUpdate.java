package io.fedmesh.operator.aggregation;

/** One site's trained weights for a round, as received. */
public record ClientUpdate(String site, float[] weights, long samples, double trainLoss, double localMetric, long bytes) {}
