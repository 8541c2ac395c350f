package io.fedmesh.hpc.engine;

/**
 * What happened to one task. Times are seconds from the start of the burst; a task that never ran
 * (a dependency failed) has start = end = -1.
 */
public record TaskRecord(String name, State state, int exitCode, double start, double end, int cores, String message) {
  /** Final states. */
  public enum State { SUCCEEDED, FAILED, CANCELLED }

  public double seconds() {
    return start < 0 ? 0 : end - start;
  }
}
