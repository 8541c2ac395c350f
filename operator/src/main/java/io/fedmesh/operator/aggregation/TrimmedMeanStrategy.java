package io.fedmesh.operator.aggregation;

import java.util.Arrays;
import java.util.List;

/** Coordinate-wise trimmed mean: drops the lowest and highest {@code fraction} of values per coordinate. */
public final class TrimmedMeanStrategy implements AggregationStrategy {
  private final double fraction;

  public TrimmedMeanStrategy(double fraction) {
    if (fraction < 0 || fraction >= 0.5) {
      throw new IllegalArgumentException("trimFraction must be in [0, 0.5): " + fraction);
    }
    this.fraction = fraction;
  }

  @Override
  public float[] aggregate(float[] global, List<ClientUpdate> updates) {
    int trim = (int) Math.floor(fraction * updates.size());
    return coordinateWise(global.length, updates, column -> {
      Arrays.sort(column);
      double sum = 0;
      for (int i = trim; i < column.length - trim; i++) {
        sum += column[i];
      }
      return (float) (sum / (column.length - 2 * trim));
    });
  }

  interface ColumnReducer {
    float reduce(float[] column);
  }

  static float[] coordinateWise(int length, List<ClientUpdate> updates, ColumnReducer reducer) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("aggregation needs at least one update");
    }
    float[] out = new float[length];
    float[] column = new float[updates.size()];
    for (int i = 0; i < length; i++) {
      for (int k = 0; k < column.length; k++) {
        column[k] = updates.get(k).weights()[i];
      }
      out[i] = reducer.reduce(column);
    }
    return out;
  }
}
