package io.fedmesh.hpc.engine;

import java.util.List;

/**
 * One task of a burst: what it runs, what it waits for, what it needs.
 *
 * @param stage the stage it belongs to in barrier mode (simulate 0, aggregate 1, train 2, ...)
 * @param cores cores the task occupies while it runs
 * @param estimatedSeconds expected duration, for the predicted makespan (0: unknown)
 * @param command the process to run
 */
public record TaskNode(String name, String kind, int stage, List<String> dependsOn, int cores, double estimatedSeconds,
    List<String> command) {

  public TaskNode {
    dependsOn = List.copyOf(dependsOn);
    command = List.copyOf(command);
    if (cores < 1) {
      throw new IllegalArgumentException("task " + name + ": cores must be at least 1");
    }
  }
}
