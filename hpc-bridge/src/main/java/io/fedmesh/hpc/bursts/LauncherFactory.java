package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.proto.hpc.v1.Execution;
import java.nio.file.Path;

/** Makes the launcher of one burst (local process slots, or Slurm on the bridge's shared poller). */
@FunctionalInterface
public interface LauncherFactory {
  /**
   * @param burstUid the burst's uid (Slurm job names start with a piece of it)
   * @param outputDir where the burst's tasks write their samples; logs go to its sibling {@code logs}
   */
  TaskLauncher create(String burstUid, Path outputDir);

  /**
   * The launcher for a burst's {@code execution}: a backend without a batch scheduler runs pilot
   * bursts like batch ones, which is what this default does.
   *
   * @param graph the burst's tasks (a pilot is sized by them)
   */
  default TaskLauncher create(String burstUid, Path outputDir, Execution execution, TaskGraph graph) {
    return create(burstUid, outputDir);
  }
}
