package io.fedmesh.hpc.engine;

import java.util.List;

/**
 * One task of a burst: what it runs, what it waits for, what it needs.
 *
 * @param stage the stage it belongs to in barrier mode (simulate 0, aggregate 1, train 2, ...)
 * @param cores cores the task occupies while it runs (all ranks together)
 * @param estimatedSeconds expected duration, for the predicted makespan (0: unknown)
 * @param command the process to run
 * @param ranks MPI ranks (Slurm tasks, {@code -n}); cores are split evenly across them
 * @param gpus GPUs the task asks for (Slurm {@code --gres=gpu:N}); 0 for none
 * @param walltimeSeconds wall-clock limit (Slurm {@code --time}); 0 for the partition's default
 */
public record TaskNode(String name, String kind, int stage, List<String> dependsOn, int cores, double estimatedSeconds,
    List<String> command, int ranks, int gpus, int walltimeSeconds) {

  public TaskNode {
    dependsOn = List.copyOf(dependsOn);
    command = List.copyOf(command);
    if (cores < 1) {
      throw new IllegalArgumentException("task " + name + ": cores must be at least 1");
    }
    if (ranks < 1 || ranks > cores) {
      throw new IllegalArgumentException("task " + name + ": ranks must be between 1 and cores (" + cores + "), got " + ranks);
    }
    if (gpus < 0 || walltimeSeconds < 0) {
      throw new IllegalArgumentException("task " + name + ": gpus and walltimeSeconds must not be negative");
    }
  }

  /** A single-rank task without GPUs or a time limit. */
  public TaskNode(String name, String kind, int stage, List<String> dependsOn, int cores, double estimatedSeconds,
      List<String> command) {
    this(name, kind, stage, dependsOn, cores, estimatedSeconds, command, 1, 0, 0);
  }

  /** Cores per rank (Slurm {@code -c}). */
  public int coresPerRank() {
    return Math.max(1, cores / ranks);
  }
}
