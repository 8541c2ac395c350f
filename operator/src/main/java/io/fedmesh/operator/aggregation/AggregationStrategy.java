package io.fedmesh.operator.aggregation;

import java.util.List;

/** Combines the sites' weights of one round into the next global model. */
public interface AggregationStrategy {
  /**
   * @param global the global weights the round started from
   * @param updates at least one update, all of the same length as {@code global}
   */
  float[] aggregate(float[] global, List<ClientUpdate> updates);
}
