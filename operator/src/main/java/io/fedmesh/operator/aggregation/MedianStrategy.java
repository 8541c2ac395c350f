package io.fedmesh.operator.aggregation;

import java.util.Arrays;
import java.util.List;

/** Coordinate-wise median: robust to a minority of arbitrary (Byzantine) updates. */
public final class MedianStrategy implements AggregationStrategy {

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    return TrimmedMeanStrategy.coordinateWise(global.length, updates, column -> {
      Arrays.sort(column);
      int n = column.length;
      return n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2f;
    });
  }
}
