package io.fedmesh.hpc.engine;

import java.util.concurrent.CompletableFuture;

/** Starts one task somewhere (a local process slot, a Slurm job) and reports its exit code. */
public interface TaskLauncher {
  /** Completes with the exit code (0 = success) or exceptionally when the task could not start. */
  CompletableFuture<Integer> launch(TaskNode task);
}
