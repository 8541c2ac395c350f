package io.fedmesh.hpc.slurm;

import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one burst as Slurm jobs: {@code sbatch --parsable} per task ({@code -n ranks
 * -c cores-per-rank}, {@code --time}, {@code --gres=gpu:N}), named {@code fedmesh-<prefix><task>}
 * so a job can be found again by name. Completion comes from a {@link SlurmPoller} shared by every
 * burst of the bridge. Slurm's own errors (unknown partition, rejected job, slurmctld down) come
 * back as the launch's failure with Slurm's message.
 */
public final class SlurmLauncher implements TaskLauncher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmLauncher.class);

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
  private final CallGuard guard = CallGuard.forDestination("slurm");
  private final SlurmPoller poller;
  private final boolean ownsPoller;
  private final Path logDir;
  private final String partition;
  private final Path outputDir;
  private final String jobNamePrefix;
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
    this.logDir = logDir;
    this.partition = partition;
    this.outputDir = outputDir;
    this.jobNamePrefix = jobNamePrefix;
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    return launch(task, id -> { });
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task, Consumer<String> submitted) {
    return submit(List.of(task), (t, id) -> submitted.accept(id), false).get(0);
  }

  /**
   * Tasks that start together and ask for the same resources (ranks, cores per rank, GPUs, time
   * limit) go to Slurm as ONE job array, {@code sbatch --array=0-(k-1)}, whose script picks each
   * element's command by {@code $SLURM_ARRAY_TASK_ID}: one sbatch for an ensemble instead of k.
   * Element job ids are {@code <array id>_<index>}. A lone task is an ordinary job.
   */
  @Override
  public List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, Events events) {
    List<CompletableFuture<Integer>> out = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
    Map<List<Integer>, List<Integer>> shapes = new java.util.LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskNode t = tasks.get(i);
      shapes.computeIfAbsent(List.of(t.ranks(), t.coresPerRank(), t.gpus(), t.walltimeSeconds()), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : shapes.values()) {
      List<CompletableFuture<Integer>> f = submit(group.stream().map(tasks::get).toList(), events, group.size() > 1);
      for (int k = 0; k < group.size(); k++) {
        out.set(group.get(k), f.get(k));
      }
    }
    return out;
  }

  /**
   * One sbatch for {@code members}: a job array when {@code array}, else the single task as an
   * ordinary job. Slurm's refusal fails every member with Slurm's message; a cancel that ran while
   * sbatch did is applied at once.
   */
  private List<CompletableFuture<Integer>> submit(List<TaskNode> members, Events events, boolean array) {
    if (cancelled) {
      return failAll(members, new IllegalStateException("cancelled before it was submitted"));
    }
    try {
      List<String> cmd = array ? sbatchArray(members) : sbatch(members.get(0));
      CommandRunner.Result r = guard.once(() -> runner.run(cmd));
      if (!r.ok()) {
        return failAll(members, new SchedulerException("sbatch refused " + (array ? "the job array of " + members.size()
            + " tasks (" + members.get(0).name() + ", ...)" : "task " + members.get(0).name()) + ": " + trim(r.stderr()), null));
      }
      String jobId = r.stdout().trim().split(";")[0];
      LOG.debug("{} submitted as Slurm job {}", array ? members.size() + " tasks" : members.get(0).name(), jobId);
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        String id = array ? jobId + "_" + i : jobId;
        TaskNode member = members.get(i);
        events.submitted(member, id);
        futures.add(follow(id, () -> events.running(member)));
      }
      if (cancelled) {
        scancel(List.of(jobId)); // cancel() ran while sbatch did
      }
      return futures;
    } catch (Exception e) {
      return failAll(members, e);
    }
  }

  private static List<CompletableFuture<Integer>> failAll(List<TaskNode> members, Throwable e) {
    return members.stream().map(t -> CompletableFuture.<Integer>failedFuture(e)).toList();
  }

  /** sbatch of a job array: the script's case on $SLURM_ARRAY_TASK_ID runs each member with its own log and output. */
  List<String> sbatchArray(List<TaskNode> members) throws java.io.IOException {
    Files.createDirectories(logDir);
    StringBuilder script = new StringBuilder("#!/bin/sh\n# fedmesh job array: one element per task\ncase \"$SLURM_ARRAY_TASK_ID\" in\n");
    for (int i = 0; i < members.size(); i++) {
      TaskNode t = members.get(i);
      script.append(i).append(") exec >").append(shellQuote(List.of(logDir.resolve(t.name() + ".log").toString()))).append(" 2>&1; ");
      if (outputDir != null) {
        Files.createDirectories(outputDir);
        script.append("FEDMESH_OUTPUT=").append(shellQuote(List.of(outputDir.resolve(t.name() + ".csv").toString())))
            .append("; export FEDMESH_OUTPUT; ");
      }
      script.append("exec ").append(shellQuote(t.command())).append(" ;;\n");
    }
    script.append("esac\necho \"fedmesh: no task for array index $SLURM_ARRAY_TASK_ID\" >&2\nexit 3\n");
    TaskNode first = members.get(0);
    Path file = logDir.resolve("array-" + first.name() + ".sh");
    io.fedmesh.common.io.AtomicFiles.write(file, script.toString());
    List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--array=0-" + (members.size() - 1), "-J",
        jobName(first) + "-array", "-n", String.valueOf(first.ranks()), "-c", String.valueOf(first.coresPerRank()),
        "-o", "/dev/null"));
    cmd.addAll(limits(first));
    cmd.add(file.toString());
    return cmd;
  }

  /** The sbatch argv of a task; sbatch is not idempotent, so it is never retried blindly. */
  List<String> sbatch(TaskNode task) throws java.io.IOException {
    Files.createDirectories(logDir);
    List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "-J", jobName(task), "-n",
        String.valueOf(task.ranks()), "-c", String.valueOf(task.coresPerRank()), "-o",
        logDir.resolve(task.name() + ".log").toString()));
    cmd.addAll(limits(task));
    if (outputDir != null) {
      Files.createDirectories(outputDir);
      cmd.add("--export=ALL,FEDMESH_OUTPUT=" + outputDir.resolve(task.name() + ".csv"));
    }
    cmd.addAll(List.of("--wrap", shellQuote(task.command())));
    return cmd;
  }

  /** --time, --gres and -p of a task, where set. */
  private List<String> limits(TaskNode task) {
    List<String> args = new ArrayList<>();
    if (task.walltimeSeconds() > 0) {
      int s = task.walltimeSeconds();
      args.add(String.format(Locale.ROOT, "--time=%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60));
    }
    if (task.gpus() > 0) {
      args.add("--gres=gpu:" + task.gpus());
    }
    if (partition != null && !partition.isBlank()) {
      args.addAll(List.of("-p", partition));
    }
    return args;
  }

  @Override
  public Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId, Events events) {
    return Optional.of(follow(jobId, () -> events.running(task)));
  }

  /** The job named after this task, queued or finished (squeue, then the completion log). */
  @Override
  public Optional<String> findSubmitted(TaskNode task) {
    String name = jobName(task);
    CommandRunner.Result q = guard.once(() -> runner.run(List.of("squeue", "-h", "-o", "%i", "--name=" + name)));
    if (q.ok() && !q.stdout().isBlank()) {
      return Optional.of(q.stdout().lines().findFirst().orElseThrow().trim());
    }
    CommandRunner.Result a = guard.once(() -> runner.run(List.of("sacct", "-c", "-n", "-P", "-o", "jobid,jobname", "--name=" + name)));
    return a.stdout().lines().map(l -> l.split("\\|")).filter(f -> f.length >= 2 && f[1].trim().equals(name))
        .map(f -> f[0].trim()).filter(id -> !id.contains(".")).reduce((first, last) -> last);
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
      LOG.warn("scancel {} failed: {}", ids, trim(r.stderr()));
    }
  }

  /** The job-name prefix of a burst: the start of its uid, so names are unique across bursts. */
  public static String jobNamePrefix(String burstUid) {
    return burstUid.substring(0, Math.min(8, burstUid.length())) + "-";
  }

  String jobName(TaskNode task) {
    return "fedmesh-" + jobNamePrefix + task.name();
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

  static String trim(String s) {
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
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
