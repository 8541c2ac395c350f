package io.fedmesh.hpc.engine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Starts one task somewhere (a local process slot, a Slurm job) and reports its exit code. The
 * optional parts let the bridge journal the job id, follow a job after a restart, and cancel.
 */
public interface TaskLauncher {
  /** Completes with the exit code (0 = success) or exceptionally when the task could not start. */
  CompletableFuture<Integer> launch(TaskNode task);

  /**
   * {@link #launch(TaskNode)}, telling {@code submitted} the job id (Slurm job id, process id) as
   * soon as the job exists, before it ends.
   */
  default CompletableFuture<Integer> launch(TaskNode task, Consumer<String> submitted) {
    return launch(task);
  }

  /**
   * Starts tasks that became ready together; a launcher may submit them as one (a Slurm job
   * array). {@code submitted} hears each task's job id. Default: one {@link #launch} per task.
   */
  default List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, BiConsumer<TaskNode, String> submitted) {
    return tasks.stream().map(t -> launch(t, id -> submitted.accept(t, id))).toList();
  }

  /**
   * Follows a job this launcher (or an earlier bridge process) started, without starting anything:
   * the future completes with its exit code. Empty when this launcher cannot follow earlier jobs.
   */
  default Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId) {
    return Optional.empty();
  }

  /**
   * A job of this task that was submitted but whose id was never recorded (the bridge stopped
   * between submitting and journaling), found by the task's unique job name; empty when none.
   */
  default Optional<String> findSubmitted(TaskNode task) {
    return Optional.empty();
  }

  /**
   * Stops every job this launcher started that has not ended, and any it starts from now on; their
   * futures then complete (non-zero). Returns how many were running.
   */
  default int cancelAll() {
    return 0;
  }
}
