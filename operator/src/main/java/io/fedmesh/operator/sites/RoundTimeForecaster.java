package io.fedmesh.operator.sites;

import io.fedmesh.api.v1alpha1.RoundForecast;

/**
 * Forecasts a site's next round time from what it measured in its last one: compute (samples x
 * epochs over its samples per second), download (model bytes over its download throughput, plus
 * one RTT) and upload (its update's bytes at its encoding over the upload throughput, plus one RTT).
 * A leg with no measurement yet is left out of the forecast rather than guessed.
 */
public final class RoundTimeForecaster {
  private RoundTimeForecaster() {}

  /** What one round of a site measured and moved. */
  public record Observation(String training, int round, long trainedSamples, double samplesPerSecond, long downloadBytes,
      double downloadMbps, long uploadBytes, double uploadMbps, double rttMs, String encoding, double observedSeconds) {}

  /** The forecast for the round after {@code o}, with the error of {@code previous} (null: none) against {@code o}. */
  public static RoundForecast forecast(Observation o, RoundForecast previous) {
    RoundForecast f = new RoundForecast();
    f.training = o.training();
    f.fromRound = o.round();
    f.samplesPerSecond = positive(o.samplesPerSecond());
    f.downloadMbps = positive(o.downloadMbps());
    f.uploadMbps = positive(o.uploadMbps());
    f.rttMs = o.rttMs() >= 0 ? round3(o.rttMs()) : null;
    f.encoding = o.encoding();
    double rttSeconds = Math.max(0, o.rttMs()) / 1000.0;
    f.computeSeconds = f.samplesPerSecond == null ? null : round3(o.trainedSamples() / o.samplesPerSecond());
    f.downloadSeconds = f.downloadMbps == null ? null : round3(transferSeconds(o.downloadBytes(), o.downloadMbps()) + rttSeconds);
    f.uploadSeconds = f.uploadMbps == null ? null : round3(transferSeconds(o.uploadBytes(), o.uploadMbps()) + rttSeconds);
    f.nextRoundSeconds = round3(orZero(f.computeSeconds) + orZero(f.downloadSeconds) + orZero(f.uploadSeconds));
    if (Double.isFinite(o.observedSeconds()) && o.observedSeconds() >= 0) {
      f.lastObservedSeconds = round3(o.observedSeconds());
      if (previous != null && previous.nextRoundSeconds != null && o.training().equals(previous.training)) {
        f.lastForecastSeconds = previous.nextRoundSeconds;
        f.lastErrorSeconds = round3(o.observedSeconds() - previous.nextRoundSeconds);
      }
    }
    return f;
  }

  static double transferSeconds(long bytes, double mbps) {
    return bytes * 8 / (mbps * 1e6);
  }

  private static Double positive(double v) {
    return v > 0 && Double.isFinite(v) ? round3(v) : null;
  }

  private static double orZero(Double v) {
    return v == null ? 0 : v;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
