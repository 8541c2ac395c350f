package io.fedmesh.operator.aggregation;

/**
 * What a round record needs of one accepted update, without its weights: who sent it, how many
 * samples it weighs, its losses, its size and time, its held-out evaluation. A streaming round
 * keeps these per site and the weights only folded into one running mean.
 *
 * @param heldOut null when the site did not evaluate (no federated evaluation)
 * @param workSeconds NaN when the site did not report it
 */
public record UpdateFacts(String site, long samples, double trainLoss, double localMetric, long bytes, double workSeconds,
    ClientUpdate.HeldOut heldOut) {}
