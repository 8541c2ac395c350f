package io.fedmesh.hpc.slurm;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONE poll of Slurm that serves every job of every burst on this bridge: per tick one
 * {@code squeue} for all jobs, then one {@code sacct -c} for the jobs that left the queue. Never a
 * poll per task or per burst, so 10x the tasks costs the scheduler the same two calls per tick.
 */
public final class SlurmPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmPoller.class);
  /** Ticks a job may be missing from both squeue and sacct before it is reported lost. */
  private static final int MISSING_TICKS = 40;

  private final CommandRunner runner;
  /** A breaker around Slurm's commands: while slurmctld is down, ticks are skipped instead of piling up timeouts. */
  private final io.fedmesh.common.resilience.CallGuard guard = io.fedmesh.common.resilience.CallGuard.forDestination("slurm-poll");
  private final Map<String, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Integer> missing = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "slurm-poller");
    t.setDaemon(true);
    return t;
  });

  public SlurmPoller(Duration every) {
    this(every, new CommandRunner(Duration.ofSeconds(20)));
  }

  SlurmPoller(Duration every, CommandRunner runner) {
    this.runner = runner;
    ticker.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private final Map<String, Runnable> onRunning = new ConcurrentHashMap<>();

  /** A future that completes with the job's exit code once it has left the queue. */
  public CompletableFuture<Integer> follow(String jobId) {
    return inFlight.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  /** {@link #follow}, and {@code running} once squeue shows the job RUNNING (or it ended unseen). */
  public CompletableFuture<Integer> follow(String jobId, Runnable running) {
    onRunning.put(jobId, running);
    return follow(jobId);
  }

  private void running(String jobId) {
    Runnable r = onRunning.remove(jobId);
    if (r != null) {
      r.run();
    }
  }

  public int inFlight() {
    return inFlight.size();
  }

  void poll() {
    if (inFlight.isEmpty()) {
      return;
    }
    try {
      CommandRunner.Result q = guard.once(() -> runner.run(List.of("squeue", "-h", "-r", "-o", "%i %T")));
      if (!q.ok()) {
        LOG.warn("squeue failed: {}", SlurmText.excerpt(q.stderr()));
        return;
      }
      SlurmText.Queue queue = SlurmText.queue(q.stdout());
      queue.running().forEach(this::running);
      List<String> left = inFlight.keySet().stream().filter(id -> !queue.jobIds().contains(id)).toList();
      if (left.isEmpty()) {
        return;
      }
      Map<String, Integer> exits = new HashMap<>();
      List<String> jobs = left.stream().filter(id -> !id.contains("_")).toList();
      if (!jobs.isEmpty()) {
        CommandRunner.Result acct = guard.once(() -> runner.run(List.of("sacct", "-c", "-n", "-P", "-o", "jobid,state,exitcode",
            "-j", String.join(",", jobs))));
        exits.putAll(SlurmText.exitCodes(acct.stdout()));
      }
      // job-array elements: the completion log does not know <array>_<index>, slurmctld does (one call per array)
      for (String array : left.stream().filter(id -> id.contains("_")).map(id -> id.substring(0, id.indexOf('_'))).distinct().toList()) {
        exits.putAll(SlurmText.arrayExitCodes(guard.once(() -> runner.run(List.of("scontrol", "-o", "show", "job", array))).stdout()));
      }
      for (String id : left) {
        Integer e = exits.get(id);
        CompletableFuture<Integer> f;
        if (e != null) {
          running(id); // it may have started and ended between two polls
          f = inFlight.remove(id);
          missing.remove(id);
          if (f != null) {
            f.complete(e);
          }
        } else if (missing.merge(id, 1, Integer::sum) >= MISSING_TICKS && (f = inFlight.remove(id)) != null) {
          missing.remove(id);
          onRunning.remove(id);
          f.completeExceptionally(new SchedulerException("Slurm job " + id + " is neither queued nor in the job completion"
              + " log (sacct -c): it was lost or purged", null));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Slurm poll failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
