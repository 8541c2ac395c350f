package io.fedmesh.hpc.engine;

import java.util.List;

/**
 * The outcome of a burst: every task's record, the makespan (first start to last end), the
 * utilization (busy core-seconds over available core-seconds during the makespan) and the makespan
 * the task graph predicted for the mode.
 */
public record ScheduleResult(ExecutionMode mode, List<TaskRecord> tasks, double makespanSeconds, double utilization,
    double predictedMakespanSeconds) {

  public long count(TaskRecord.State state) {
    return tasks.stream().filter(t -> t.state() == state).count();
  }
}
