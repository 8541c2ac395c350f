package io.fedmesh.operator.aggregation;

import java.util.Optional;

/**
 * A strategy that carries state from round to round (FedAdam's moments). The state is saved
 * beside each round's model checkpoint and restored with it, so a restarted operator continues
 * the same optimisation instead of starting its moments again from zero.
 */
public interface StatefulStrategy extends AggregationStrategy {
  /** The state after the last aggregate, empty before the first. */
  Optional<float[]> state();

  /** Continues from a saved state; one that does not fit {@code parameters} is refused by name. */
  void restore(float[] state, int parameters);
}
