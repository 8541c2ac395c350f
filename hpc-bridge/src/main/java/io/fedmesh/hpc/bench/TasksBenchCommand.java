package io.fedmesh.hpc.bench;

import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.ApplicationTemplate;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.hpc.slurm.SlurmLaunchers;
import io.fedmesh.hpc.slurm.SlurmPoller;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.Execution;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.SubmitBurstResponse;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import io.fedmesh.proto.hpc.v1.WatchBurstRequest;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many zero-length tasks through the bridge (service, supervisor, journal, Slurm backend) on Slurm,
 * once as batch jobs and once in a pilot allocation, both in this run: tasks per second from the
 * Submit call to the burst's end, so the pilot's own allocation wait is counted against it.
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    description = {"Zero-length tasks through the bridge on Slurm: batch jobs (one Slurm job per task) vs one pilot allocation.",
        "Needs SLURM_CONF (hpc-bridge/scripts/slurm-up.sh starts a private Slurm)."})
public final class TasksBenchCommand implements Callable<Integer> {
  @Option(names = "--tasks", defaultValue = "1000", description = "Tasks in the pilot burst (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--sbatch-tasks", description = "Tasks in the batch burst (default: as --tasks; one Slurm job each is slow).")
  Integer sbatchTasks;

  @Option(names = "--cores", defaultValue = "4", description = "Cores a burst uses at once, the bridge's --slots (default: ${DEFAULT-VALUE}).")
  int cores;

  @Option(names = "--partition", description = "Slurm partition (default: the cluster's default).")
  String partition;

  @Override
  public Integer call() throws Exception {
    if (System.getenv("SLURM_CONF") == null) {
      System.err.println("tasks: SLURM_CONF is not set: start Slurm with hpc-bridge/scripts/slurm-up.sh DIR and . DIR/env");
      return 2;
    }
    int batchTasks = sbatchTasks == null ? tasks : sbatchTasks;
    Path work = Files.createTempDirectory("fedmesh-bench-tasks");
    ApplicationAllowlist apps = ApplicationAllowlist.builtIn(new SimulationLauncher())
        .with(new ApplicationTemplate("true", Path.of("/bin/true"), List.of(), Map.of(), 60));
    System.out.printf("tasks: zero-length tasks (/bin/true) on %d cores: %d as Slurm batch jobs, %d in one pilot; work dir %s%n",
        cores, batchTasks, tasks, work);
    try (SlurmPoller poller = new SlurmPoller(Duration.ofMillis(250));
        HpcBridgeService bridge = new HpcBridgeService(work, cores, "slurm", new SlurmLaunchers(poller, partition, cores),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), apps)) {
      double pilotSeconds = run(bridge, "bench-pilot", Execution.EXECUTION_PILOT, tasks);
      double batchSeconds = run(bridge, "bench-batch", Execution.EXECUTION_BATCH, batchTasks);
      double pilotRate = tasks / pilotSeconds;
      double batchRate = batchTasks / batchSeconds;
      System.out.printf(Locale.ROOT, "RESULT tasks pilot_per_s=%.1f sbatch_per_s=%.2f ratio=%.1f pilot_tasks=%d sbatch_tasks=%d"
          + " pilot_s=%.2f sbatch_s=%.2f%n", pilotRate, batchRate, pilotRate / batchRate, tasks, batchTasks, pilotSeconds, batchSeconds);
    }
    return 0;
  }

  /** Submits one burst of {@code n} zero-length tasks and waits for its end; returns the seconds from Submit to the end. */
  private static double run(HpcBridgeService bridge, String uid, Execution execution, int n) throws Exception {
    SubmitBurstRequest.Builder b = SubmitBurstRequest.newBuilder().setBurstUid(uid).setBurstName("bench/" + uid).setExecution(execution);
    for (int i = 0; i < n; i++) {
      b.addTasks(TaskSpec.newBuilder().setName(String.format(Locale.ROOT, "t-%05d", i)).setKind("noop").setRanks(1).setCpusPerRank(1)
          .setApplication("true"));
    }
    long t0 = System.nanoTime();
    CompletableFuture<SubmitBurstResponse> submitted = new CompletableFuture<>();
    bridge.submit(b.build(), observer(submitted::complete, submitted::completeExceptionally, () -> { }));
    submitted.get(1, TimeUnit.MINUTES);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    bridge.watch(WatchBurstRequest.newBuilder().setBurstUid(uid).build(),
        observer((TaskEvent e) -> { }, ended::completeExceptionally, () -> ended.complete(null)));
    ended.get(2, TimeUnit.HOURS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    BurstStatus s = bridge.describe(uid);
    System.out.printf(Locale.ROOT, "  %-6s %5d tasks in %7.2f s (%s): %d succeeded, %d failed; engine makespan %.2f s%n",
        execution == Execution.EXECUTION_PILOT ? "pilot" : "batch", n, seconds, s.getPhase(), s.getSucceeded(), s.getFailed(),
        s.getMakespanSeconds());
    if (s.getSucceeded() != n) {
      throw new IllegalStateException(uid + ": only " + s.getSucceeded() + " of " + n + " tasks succeeded: " + s.getMessage());
    }
    return seconds;
  }

  private static <T> StreamObserver<T> observer(java.util.function.Consumer<T> next, java.util.function.Consumer<Throwable> error,
      Runnable done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        next.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        error.accept(t);
      }

      @Override
      public void onCompleted() {
        done.run();
      }
    };
  }
}
