package io.fedmesh.hpc.slurm;

import io.fedmesh.hpc.bursts.LauncherFactory;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.pilot.PilotSize;
import io.fedmesh.proto.hpc.v1.Execution;
import java.nio.file.Path;

/**
 * The Slurm backend's launchers, all on the bridge's one shared poller: batch bursts get a
 * {@link SlurmLauncher} (a job, or job-array element, per task), pilot bursts a
 * {@link PilotLauncher} (one allocation) sized for the burst within {@code cores}. Logs go to the
 * output directory's sibling {@code logs}, pilots' files to its sibling {@code pilot}.
 *
 * @param partition null for the cluster's default
 * @param cores how many cores one burst may use at once (the bridge's --slots)
 */
public record SlurmLaunchers(SlurmPoller poller, String partition, int cores) implements LauncherFactory {
  @Override
  public TaskLauncher create(String burstUid, Path outputDir) {
    return new SlurmLauncher(poller, outputDir.resolveSibling("logs"), partition, outputDir, SlurmLauncher.jobNamePrefix(burstUid));
  }

  @Override
  public TaskLauncher create(String burstUid, Path outputDir, Execution execution, TaskGraph graph) {
    if (execution != Execution.EXECUTION_PILOT) {
      return create(burstUid, outputDir);
    }
    return new PilotLauncher(poller, outputDir.resolveSibling("pilot"), outputDir.resolveSibling("logs"), outputDir, partition,
        SlurmLauncher.jobNamePrefix(burstUid), PilotSize.of(graph, cores));
  }
}
