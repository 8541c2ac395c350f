package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.TaskLauncher;
import java.nio.file.Path;

/** Makes the launcher of one burst (local process slots, or Slurm on the bridge's shared poller). */
@FunctionalInterface
public interface LauncherFactory {
  /**
   * @param burstUid the burst's uid (Slurm job names start with a piece of it)
   * @param outputDir where the burst's tasks write their samples; logs go to its sibling {@code logs}
   */
  TaskLauncher create(String burstUid, Path outputDir);
}
