package io.fedmesh.edge.training;

import java.util.function.Supplier;

/**
 * Makes a site compute as a machine {@code factor} times slower would, without sleeping: the
 * round's local training runs {@code factor} times over (same weights, data and seed) and only
 * the first result is kept. The repeats are real DJL work on this CPU, so every measurement
 * (train seconds, samples per second, the coordinator's round times) sees a slower site, while the
 * update itself is exactly the one an unslowed site would send.
 */
public final class ComputeSlowdown {
  public static final int MAX_FACTOR = 50;
  public static final ComputeSlowdown NONE = new ComputeSlowdown(1);

  private final int factor;

  public ComputeSlowdown(int factor) {
    if (factor < 1 || factor > MAX_FACTOR) {
      throw new IllegalArgumentException("--compute-slowdown " + factor + " is out of range: use 1 (none) to " + MAX_FACTOR);
    }
    this.factor = factor;
  }

  public int factor() {
    return factor;
  }

  /** Runs {@code training} factor times; returns the first result with the seconds of all of them. */
  public TrainResult train(Supplier<TrainResult> training) {
    long start = System.nanoTime();
    TrainResult first = training.get();
    for (int i = 1; i < factor; i++) {
      training.get(); // the same work again, thrown away: a slower CPU's time, not a different update
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new TrainResult(first.weights(), first.trainLoss(), first.localMetric(), first.samples(), seconds);
  }
}
