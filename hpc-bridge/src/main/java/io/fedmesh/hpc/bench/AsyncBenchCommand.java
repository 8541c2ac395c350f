package io.fedmesh.hpc.bench;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ExecutionMode;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Async vs barrier execution of the same heterogeneous task graph, both measured in this run. */
@Command(name = "async", mixinStandardHelpOptions = true,
    description = {"Run a DeepDriveMD-shaped task graph both ways (barrier, async) and compare makespans.",
        "Backend: local process slots (the Slurm backend is not implemented yet)."})
public final class AsyncBenchCommand implements Callable<Integer> {
  @Option(names = "--cores", defaultValue = "4", description = "Cores (process slots) to schedule on (default: ${DEFAULT-VALUE}).")
  int cores;

  @Option(names = "--time-scale", defaultValue = "1.0", description = "Multiply every task duration (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Override
  public Integer call() throws Exception {
    TaskGraph graph = DeepDriveWorkload.graph(timeScale);
    System.out.printf("async: %d tasks (8 simulate, 8 aggregate, 2 train x 2 cores, 1 infer) on %d cores, local backend%n",
        graph.tasks().size(), cores);
    AsyncScheduler scheduler = new AsyncScheduler(new LocalProcessLauncher(Files.createTempDirectory("fedmesh-async")), cores);
    ScheduleResult barrier = scheduler.run(graph, ExecutionMode.BARRIER);
    ScheduleResult async = scheduler.run(graph, ExecutionMode.ASYNC);
    for (ScheduleResult r : new ScheduleResult[] {barrier, async}) {
      System.out.printf("  %-7s makespan %6.2f s (predicted %6.2f s), utilization %.3f, %d succeeded%n", r.mode().name().toLowerCase(),
          r.makespanSeconds(), r.predictedMakespanSeconds(), r.utilization(), r.count(io.fedmesh.hpc.engine.TaskRecord.State.SUCCEEDED));
    }
    System.out.printf("RESULT async makespan_ratio=%.3f utilization_async=%.3f utilization_barrier=%.3f predicted_ratio=%.3f%n",
        async.makespanSeconds() / barrier.makespanSeconds(), async.utilization(), barrier.utilization(),
        async.predictedMakespanSeconds() / barrier.predictedMakespanSeconds());
    return 0;
  }
}
