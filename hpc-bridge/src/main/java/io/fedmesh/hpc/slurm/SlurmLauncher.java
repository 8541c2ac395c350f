package io.fedmesh.hpc.slurm;

import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one burst as Slurm jobs: submits them ({@link SbatchCommand} builds each sbatch
 * call), follows them on a {@link SlurmPoller} shared by every burst of the bridge, and cancels
 * them. Slurm's own errors (unknown partition, rejected job, slurmctld down) come back as the
 * launch's failure with Slurm's message.
 */
public final class SlurmLauncher implements TaskLauncher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmLauncher.class);

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
  private final CallGuard guard = CallGuard.forDestination("slurm");
  private final SlurmPoller poller;
  private final boolean ownsPoller;
  private final SbatchCommand sbatch;
  private final Set<String> jobs = ConcurrentHashMap.newKeySet();
  private final Map<String, Boolean> unfinished = new ConcurrentHashMap<>();
  private volatile boolean cancelled;

  /** A launcher with its own poller (benchmarks, tests); @param partition null for the default partition */
  public SlurmLauncher(Path logDir, String partition, Duration pollEvery) {
    this(new SlurmPoller(pollEvery), true, logDir, partition, null, "");
  }

  /** A launcher with its own poller; @param outputDir $FEDMESH_OUTPUT = outputDir/<task>.csv */
  public SlurmLauncher(Path logDir, String partition, Duration pollEvery, Path outputDir) {
    this(new SlurmPoller(pollEvery), true, logDir, partition, outputDir, "");
  }

  /**
   * One burst's launcher on the bridge's shared poller.
   *
   * @param jobNamePrefix makes job names unique across bursts (e.g. the start of the burst's uid and a dash)
   */
  public SlurmLauncher(SlurmPoller poller, Path logDir, String partition, Path outputDir, String jobNamePrefix) {
    this(poller, false, logDir, partition, outputDir, jobNamePrefix);
  }

  private SlurmLauncher(SlurmPoller poller, boolean ownsPoller, Path logDir, String partition, Path outputDir,
      String jobNamePrefix) {
    this.poller = poller;
    this.ownsPoller = ownsPoller;
    this.sbatch = new SbatchCommand(logDir, partition, outputDir, jobNamePrefix);
  }

  /** The job-name prefix of a burst: the start of its uid, so names are unique across bursts. */
  public static String jobNamePrefix(String burstUid) {
    return burstUid.substring(0, Math.min(8, burstUid.length())) + "-";
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    return launch(task, id -> { });
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task, Consumer<String> submitted) {
    return submit(List.of(task), (t, jobId) -> submitted.accept(jobId)).get(0);
  }

  /**
   * Tasks that start together and ask for the same resources (ranks, cores per rank, GPUs, time
   * limit) go to Slurm as ONE job array: one sbatch for an ensemble instead of k. Element job ids
   * are {@code <array id>_<index>}. A lone task is an ordinary job.
   */
  @Override
  public List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, Events events) {
    List<CompletableFuture<Integer>> out = new ArrayList<>(Collections.nCopies(tasks.size(), null));
    for (List<Integer> group : SbatchCommand.sameShapeGroups(tasks)) {
      List<CompletableFuture<Integer>> f = submit(group.stream().map(tasks::get).toList(), events);
      for (int k = 0; k < group.size(); k++) {
        out.set(group.get(k), f.get(k));
      }
    }
    return out;
  }

  /**
   * One sbatch for {@code members} (a job array when there are several). Slurm's refusal fails
   * every member with Slurm's message; a cancel that ran while sbatch did is applied at once.
   */
  private List<CompletableFuture<Integer>> submit(List<TaskNode> members, Events events) {
    if (cancelled) {
      return failAll(members, new IllegalStateException("cancelled before it was submitted"));
    }
    boolean array = members.size() > 1;
    try {
      CommandRunner.Result r = run(sbatch.of(members));
      if (!r.ok()) {
        return failAll(members, new SchedulerException("sbatch refused " + (array ? "the job array of " + members.size()
            + " tasks (" + members.get(0).name() + ", ...)" : "task " + members.get(0).name()) + ": "
            + SlurmText.excerpt(r.stderr()), null));
      }
      String jobId = SlurmText.submittedJobId(r.stdout());
      LOG.debug("{} submitted as Slurm job {}", array ? members.size() + " tasks" : members.get(0).name(), jobId);
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        String id = array ? jobId + "_" + i : jobId;
        TaskNode member = members.get(i);
        events.submitted(member, id);
        futures.add(follow(id, () -> events.running(member)));
      }
      if (cancelled) {
        scancel(List.of(jobId)); // cancelAll() ran while sbatch did
      }
      return futures;
    } catch (Exception e) {
      return failAll(members, e);
    }
  }

  /** Creates the submission's directories, writes its script, runs sbatch. */
  private CommandRunner.Result run(SbatchCommand.Submission s) throws IOException {
    for (Path dir : s.directories()) {
      Files.createDirectories(dir);
    }
    s.script().ifPresent(script -> AtomicFiles.write(script.file(), script.text()));
    return guard.once(() -> runner.run(s.argv()));
  }

  private static List<CompletableFuture<Integer>> failAll(List<TaskNode> members, Throwable e) {
    return members.stream().map(t -> CompletableFuture.<Integer>failedFuture(e)).toList();
  }

  @Override
  public Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId, Events events) {
    return Optional.of(follow(jobId, () -> events.running(task)));
  }

  /** The job named after this task, queued or finished (squeue, then the completion log). */
  @Override
  public Optional<String> findSubmitted(TaskNode task) {
    String name = sbatch.jobName(task);
    CommandRunner.Result q = guard.once(() -> runner.run(List.of("squeue", "-h", "-o", "%i", "--name=" + name)));
    Optional<String> queued = q.ok() ? SlurmText.firstQueuedJobId(q.stdout()) : Optional.empty();
    if (queued.isPresent()) {
      return queued;
    }
    CommandRunner.Result a = guard.once(() -> runner.run(List.of("sacct", "-c", "-n", "-P", "-o", "jobid,jobname", "--name=" + name)));
    return SlurmText.lastJobNamed(a.stdout(), name);
  }

  @Override
  public int cancelAll() {
    cancelled = true;
    List<String> live = List.copyOf(unfinished.keySet());
    if (!live.isEmpty()) {
      scancel(live);
    }
    return live.size();
  }

  private CompletableFuture<Integer> follow(String jobId, Runnable running) {
    jobs.add(jobId);
    unfinished.put(jobId, true);
    return poller.follow(jobId, running).whenComplete((c, e) -> unfinished.remove(jobId));
  }

  private void scancel(List<String> ids) {
    List<String> cmd = new ArrayList<>(List.of("scancel"));
    cmd.addAll(ids);
    CommandRunner.Result r = guard.once(() -> runner.run(cmd));
    if (!r.ok()) {
      LOG.warn("scancel {} failed: {}", ids, SlurmText.excerpt(r.stderr()));
    }
  }

  /** Jobs of this launcher that have not ended. */
  public int inFlight() {
    return unfinished.size();
  }

  /** Every job id this launcher submitted or followed. */
  public Set<String> jobIds() {
    return Set.copyOf(jobs);
  }

  /**
   * A launcher with its own poller cancels what it left running (a benchmark interrupted); one on the
   * bridge's shared poller leaves its jobs alone, so a bridge that stops can reattach to them.
   */
  @Override
  public void close() {
    if (ownsPoller) {
      if (!unfinished.isEmpty()) {
        scancel(List.copyOf(unfinished.keySet()));
      }
      poller.close();
    }
  }
}
