package io.fedmesh.hpc.slurm;

import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as Slurm jobs: {@code sbatch --parsable} per task, and ONE shared poller for every
 * job in flight (one {@code squeue} per tick, then one {@code sacct -c} for the jobs that left the
 * queue), never a poll per task. Slurm's own errors (unknown partition, rejected job, slurmctld
 * down) come back as the launch's failure with Slurm's message.
 */
public final class SlurmLauncher implements TaskLauncher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmLauncher.class);

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
  private final CallGuard guard = CallGuard.forDestination("slurm");
  private final Path logDir;
  private final String partition;
  private final Path outputDir;
  private final Map<String, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "slurm-poller");
    t.setDaemon(true);
    return t;
  });

  /** @param partition null for the cluster's default partition */
  public SlurmLauncher(Path logDir, String partition, Duration pollEvery) {
    this(logDir, partition, pollEvery, null);
  }

  /** @param outputDir where each task may write its samples: $FEDMESH_OUTPUT = outputDir/<task>.csv */
  public SlurmLauncher(Path logDir, String partition, Duration pollEvery, Path outputDir) {
    this.logDir = logDir;
    this.partition = partition;
    this.outputDir = outputDir;
    poller.scheduleWithFixedDelay(this::poll, pollEvery.toMillis(), pollEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    try {
      Files.createDirectories(logDir);
      List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "-J", "fedmesh-" + task.name(), "-n", "1",
          "-c", String.valueOf(task.cores()), "-o", logDir.resolve(task.name() + ".log").toString()));
      if (partition != null && !partition.isBlank()) {
        cmd.addAll(List.of("-p", partition));
      }
      if (outputDir != null) {
        Files.createDirectories(outputDir);
        cmd.add("--export=ALL,FEDMESH_OUTPUT=" + outputDir.resolve(task.name() + ".csv"));
      }
      cmd.addAll(List.of("--wrap", shellQuote(task.command())));
      // sbatch is not idempotent: never retried blindly, only guarded by the breaker
      CommandRunner.Result r = guard.once(() -> runner.run(cmd));
      if (!r.ok()) {
        return CompletableFuture.failedFuture(new SchedulerException("sbatch refused task " + task.name() + ": "
            + trim(r.stderr()), null));
      }
      String jobId = r.stdout().trim().split(";")[0];
      CompletableFuture<Integer> done = new CompletableFuture<>();
      inFlight.put(jobId, done);
      LOG.debug("task {} submitted as Slurm job {}", task.name(), jobId);
      return done;
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One squeue for all jobs in flight; one sacct for those that left the queue. */
  private void poll() {
    if (inFlight.isEmpty()) {
      return;
    }
    try {
      CommandRunner.Result q = runner.run(List.of("squeue", "-h", "-o", "%i"));
      if (!q.ok()) {
        LOG.warn("squeue failed: {}", trim(q.stderr()));
        return;
      }
      Set<String> queued = new HashSet<>(q.stdout().lines().map(String::trim).toList());
      List<String> left = inFlight.keySet().stream().filter(id -> !queued.contains(id)).toList();
      if (left.isEmpty()) {
        return;
      }
      CommandRunner.Result acct = runner.run(List.of("sacct", "-c", "-n", "-P", "-o", "jobid,state,exitcode", "-j",
          String.join(",", left)));
      Map<String, int[]> exits = parseSacct(acct.stdout());
      for (String id : left) {
        int[] e = exits.get(id);
        if (e != null) {
          CompletableFuture<Integer> f = inFlight.remove(id);
          if (f != null) {
            f.complete(e[0]);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Slurm poll failed: {}", e.getMessage());
    }
  }

  /**
   * Parses `jobid|STATE|code:signal` lines into exit codes: COMPLETED 0, FAILED its code, anything
   * else that ended (CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY) -1 unless it carries a code.
   */
  static Map<String, int[]> parseSacct(String out) {
    Map<String, int[]> m = new ConcurrentHashMap<>();
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\|");
      if (f.length < 3 || f[0].contains(".")) {
        continue; // job steps (123.batch) repeat their job
      }
      String state = f[1].trim().split(" ")[0];
      if (state.equals("PENDING") || state.equals("RUNNING") || state.equals("COMPLETING")) {
        continue;
      }
      int code;
      try {
        code = Integer.parseInt(f[2].split(":")[0]);
      } catch (NumberFormatException e) {
        code = -1;
      }
      if (state.equals("COMPLETED")) {
        code = 0;
      } else if (code == 0) {
        code = -1;
      }
      m.put(f[0].trim(), new int[] {code});
    }
    return m;
  }

  static String shellQuote(List<String> argv) {
    return argv.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }

  private static String trim(String s) {
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  public int inFlight() {
    return inFlight.size();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    if (!inFlight.isEmpty()) {
      List<String> cancel = new ArrayList<>(List.of("scancel"));
      cancel.addAll(inFlight.keySet());
      runner.run(cancel);
    }
  }
}
