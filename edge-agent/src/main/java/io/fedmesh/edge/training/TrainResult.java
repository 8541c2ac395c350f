package io.fedmesh.edge.training;

/** What a round of local training produced. */
public record TrainResult(float[] weights, double trainLoss, double localMetric, long samples, double seconds) {}
