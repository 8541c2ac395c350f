package io.fedmesh.hpc.bench;

import io.fedmesh.hpc.engine.AsyncScheduler;
import io.fedmesh.hpc.engine.ExecutionMode;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.engine.ScheduleResult;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.pilot.PilotSize;
import io.fedmesh.hpc.slurm.PilotLauncher;
import io.fedmesh.hpc.slurm.SlurmLauncher;
import java.util.List;
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

  @Option(names = "--execution", defaultValue = "pilot",
      description = "On Slurm: batch (a Slurm job per task) or pilot (every task inside one allocation) (default: ${DEFAULT-VALUE}).")
  String execution;

  @Override
  public Integer call() throws Exception {
    String chosen = backend != null ? backend : System.getenv("SLURM_CONF") != null ? "slurm" : "local";
    if (!chosen.equals("slurm") && !chosen.equals("local")) {
      throw new IllegalArgumentException("--backend must be slurm or local (got " + chosen + ")");
    }
    TaskGraph graph = DeepDriveWorkload.graph(timeScale);
    System.out.printf("async: %d tasks (8 simulate, 8 aggregate, 2 train x 2 cores, 1 infer) on %d cores, %s backend%s%n",
        graph.tasks().size(), cores, chosen, chosen.equals("slurm") ? ", " + execution + " execution" : "");
    if (backend == null && chosen.equals("local")) {
      System.out.println("  (SLURM_CONF is not set: running on local process slots; start Slurm with hpc-bridge/scripts/slurm-up.sh)");
    }
    java.nio.file.Path logs = Files.createTempDirectory("fedmesh-async");
    ScheduleResult barrier;
    ScheduleResult async;
    if (!execution.equals("batch") && !execution.equals("pilot")) {
      throw new IllegalArgumentException("--execution must be batch or pilot (got " + execution + ")");
    }
    if (chosen.equals("slurm") && execution.equals("pilot")) {
      try (PilotLauncher pilot = PilotLauncher.standalone(logs, partition, PilotSize.of(graph, cores), java.time.Duration.ofMillis(250))) {
        AsyncScheduler scheduler = new AsyncScheduler(pilot, cores);
        // the allocation starts once, before either schedule is timed (as a pilot system reports task makespans)
        long t0 = System.nanoTime();
        ScheduleResult warm = scheduler.run(new TaskGraph(List.of(new TaskNode("pilot-warmup", "noop", 0, List.of(), 1, 0,
            List.of("true")))), ExecutionMode.ASYNC);
        System.out.printf("  pilot allocation %s up and its first task done in %.2f s (%s), not counted below%n", pilot.pilotJobIds(),
            (System.nanoTime() - t0) / 1e9, warm.tasks().get(0).state());
        // a pilot runs a task name once: each schedule gets its own names
        barrier = scheduler.run(renamed(graph, "-b"), ExecutionMode.BARRIER);
        async = scheduler.run(renamed(graph, "-a"), ExecutionMode.ASYNC);
      }
    } else if (chosen.equals("slurm")) {
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

  /** The same graph with every task name (and dependency) suffixed. */
  private static TaskGraph renamed(TaskGraph graph, String suffix) {
    return new TaskGraph(graph.tasks().stream().map(t -> new TaskNode(t.name() + suffix, t.kind(), t.stage(),
        t.dependsOn().stream().map(d -> d + suffix).toList(), t.cores(), t.estimatedSeconds(), t.command(), t.ranks(), t.gpus(),
        t.walltimeSeconds())).toList());
  }
}
