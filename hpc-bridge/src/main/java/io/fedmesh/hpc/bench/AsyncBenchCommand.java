package io.fedmesh.hpc.bench;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ExecutionMode;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.slurm.SlurmLauncher;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Async vs barrier execution of the same heterogeneous task graph, both measured in this run. */
@Command(name = "async", mixinStandardHelpOptions = true,
    description = {"Run a DeepDriveMD-shaped task graph both ways (barrier, async) and compare makespans.",
        "Backend: Slurm when SLURM_CONF is set (hpc-bridge/scripts/slurm-up.sh starts a private one), else local process slots."})
public final class AsyncBenchCommand implements Callable<Integer> {
  @Option(names = "--cores", defaultValue = "4", description = "Cores (process slots) to schedule on (default: ${DEFAULT-VALUE}).")
  int cores;

  @Option(names = "--time-scale", defaultValue = "1.0", description = "Multiply every task duration (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--backend", description = "slurm or local (default: slurm when SLURM_CONF is set, else local).")
  String backend;

  @Option(names = "--partition", description = "Slurm partition (default: the cluster's default).")
  String partition;

  @Override
  public Integer call() throws Exception {
    String chosen = backend != null ? backend : System.getenv("SLURM_CONF") != null ? "slurm" : "local";
    if (!chosen.equals("slurm") && !chosen.equals("local")) {
      throw new IllegalArgumentException("--backend must be slurm or local (got " + chosen + ")");
    }
    TaskGraph graph = DeepDriveWorkload.graph(timeScale);
    System.out.printf("async: %d tasks (8 simulate, 8 aggregate, 2 train x 2 cores, 1 infer) on %d cores, %s backend%n",
        graph.tasks().size(), cores, chosen);
    if (backend == null && chosen.equals("local")) {
      System.out.println("  (SLURM_CONF is not set: running on local process slots; start Slurm with hpc-bridge/scripts/slurm-up.sh)");
    }
    java.nio.file.Path logs = Files.createTempDirectory("fedmesh-async");
    ScheduleResult barrier;
    ScheduleResult async;
    if (chosen.equals("slurm")) {
      try (SlurmLauncher slurm = new SlurmLauncher(logs, partition, java.time.Duration.ofMillis(250))) {
        AsyncScheduler scheduler = new AsyncScheduler(slurm, cores);
        barrier = scheduler.run(graph, ExecutionMode.BARRIER);
        async = scheduler.run(graph, ExecutionMode.ASYNC);
      }
    } else {
      AsyncScheduler scheduler = new AsyncScheduler(new LocalProcessLauncher(logs), cores);
      barrier = scheduler.run(graph, ExecutionMode.BARRIER);
      async = scheduler.run(graph, ExecutionMode.ASYNC);
    }
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
