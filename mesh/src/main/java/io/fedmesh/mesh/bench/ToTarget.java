package io.fedmesh.mesh.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a local-mesh run took to reach a metric, read from its summary.json: the training seconds
 * (the sum of {@code history[].seconds}: round open to close, or fold to fold for BufferedAsync,
 * the first from the run's start) and the bytes moved up to the first round or version whose
 * metric reached the target, and the final metric.
 *
 * @param reachedAt the round or version that first reached it; 0 when none did
 * @param seconds training seconds up to it, or of the whole run when none did
 * @param bytes bytes up to it, or of the whole run when none did
 * @param steps rounds or versions the run made
 */
public record ToTarget(int reachedAt, double seconds, long bytes, double finalMetric, int steps) {

  public boolean reached() {
    return reachedAt > 0;
  }

  /** @param higherIsBetter accuracy; false for mse and loss */
  public static ToTarget of(JsonNode summary, double target, boolean higherIsBetter) {
    JsonNode history = summary.path("history");
    double seconds = 0;
    long bytes = 0;
    double last = Double.NaN;
    int steps = 0;
    for (JsonNode round : history) {
      seconds += round.path("seconds").asDouble(0);
      bytes += round.path("bytes").asLong(0);
      last = round.path("metric").asDouble(Double.NaN);
      steps++;
      boolean there = higherIsBetter ? last >= target : last <= target;
      if (there) {
        return new ToTarget(round.path("round").asInt(steps), seconds, bytes, finalMetric(summary, last), history.size());
      }
    }
    return new ToTarget(0, seconds, bytes, finalMetric(summary, last), steps);
  }

  private static double finalMetric(JsonNode summary, double last) {
    JsonNode m = summary.path("metric").path("value");
    return m.isNumber() ? m.asDouble() : last;
  }
}
