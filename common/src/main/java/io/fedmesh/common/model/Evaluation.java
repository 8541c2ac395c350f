package io.fedmesh.common.model;

/** Loss and metric of a model on a data set. */
public record Evaluation(String metricName, double metric, double loss, long samples) {}
