package io.fedmesh.hpc.engine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Starts one task somewhere (a local process slot, a Slurm job) and reports its exit code. The
 * optional parts let the bridge journal the job id, follow a job after a restart, and cancel.
 */
public interface TaskLauncher {
  /** What a launcher tells about the jobs it starts. */
  @FunctionalInterface
  interface Events {
    /** The job exists: its scheduler job id (Slurm) or process id. */
    void submitted(TaskNode task, String jobId);

    /** The job left the scheduler's queue and runs. */
    default void running(TaskNode task) {}
  }

  /** Events nobody listens to. */
  Events IGNORED = (t, id) -> { };

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
   * array). {@code events} hears each task's job id, and when it runs. Default: one
   * {@link #launch} per task, running as soon as it started (a process has no queue).
   */
  default List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, Events events) {
    return tasks.stream().map(t -> {
      CompletableFuture<Integer> f = launch(t, id -> events.submitted(t, id));
      events.running(t);
      return f;
    }).toList();
  }

  /**
   * Follows a job this launcher (or an earlier bridge process) started, without starting anything:
   * the future completes with its exit code. Empty when this launcher cannot follow earlier jobs.
   */
  default Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId, Events events) {
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

  /**
   * The burst has ended (not the bridge stopping): give back what the launcher holds for it, such
   * as a pilot allocation. Default: nothing.
   */
  default void burstEnded() {}

  /**
   * Whether a second launch of a task this launcher (or an earlier bridge process's) already
   * handed over is recognised and only followed, as a pilot's inbox lets it be. Such a launcher
   * needs no intent forced to disk before each submission. Default: false (sbatch is not idempotent).
   */
  default boolean recognisesResubmits() {
    return false;
  }
}
