package io.fedmesh.edge.link;

/**
 * The site's measured compute rate: samples trained per second in its last round, every epoch
 * counted. Measured from the real training, so a slow or busy machine shows as a low rate.
 */
public final class ComputeMonitor {
  private volatile double samplesPerSecond;

  /** A round that trained {@code samples} (samples x epochs) in {@code seconds}. */
  public void trained(long samples, double seconds) {
    if (samples > 0 && seconds > 0) {
      samplesPerSecond = samples / seconds;
    }
  }

  /** Samples per second of the last round; 0 before the first. */
  public double samplesPerSecond() {
    return samplesPerSecond;
  }
}
