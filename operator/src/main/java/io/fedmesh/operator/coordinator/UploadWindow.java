package io.fedmesh.operator.coordinator;

/**
 * How much memory update uploads may hold at once, across trainings: each upload reserves its
 * buffer and its decoded weights before it reads a byte and gives them back when it ends, however
 * it ends. A streaming round then holds one running mean and at most this window, not one buffer
 * per site of the cohort; an upload that does not fit is answered UNAVAILABLE and the agent sends
 * it again from its outbox. One upload always fits when none is in flight, so an update larger
 * than the window still lands, alone.
 */
public final class UploadWindow {
  private final long limitBytes;
  private long inFlight;

  public UploadWindow(long limitBytes) {
    if (limitBytes < 1) {
      throw new IllegalArgumentException("the upload window must be positive (got " + limitBytes + " bytes)");
    }
    this.limitBytes = limitBytes;
  }

  /** No limit: tests and tools that hold one upload at a time. */
  static UploadWindow unlimited() {
    return new UploadWindow(Long.MAX_VALUE);
  }

  /** What one upload of an update reserves: its encoded bytes as they arrive and its float32 weights once decoded. */
  public static long reservation(long parameters, long totalBytes) {
    return 4L * parameters + totalBytes;
  }

  /** Reserves {@code bytes}; false when the window is full (and something else is in flight). */
  public synchronized boolean tryOpen(long bytes) {
    if (inFlight > 0 && inFlight + bytes > limitBytes) {
      return false;
    }
    inFlight += bytes;
    return true;
  }

  public synchronized void close(long bytes) {
    inFlight = Math.max(0, inFlight - bytes);
  }

  public synchronized long inFlightBytes() {
    return inFlight;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
