package io.fedmesh.hpc.slurm;

import io.fedmesh.common.resilience.CallGuard;
import io.fedmesh.hpc.engine.ConfinedPath;
import io.fedmesh.hpc.engine.TaskLauncher;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.pilot.PilotAgent;
import io.fedmesh.hpc.pilot.PilotConnection;
import io.fedmesh.hpc.pilot.PilotProtocol;
import io.fedmesh.hpc.pilot.PilotSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a burst's tasks inside ONE Slurm allocation (execution: pilot): the first launch submits
 * the pilot (sbatch of the {@link PilotAgent}, sized by {@link PilotSize}), every task is then a
 * line in the agent's inbox ({@link PilotConnection}), so a task costs milliseconds instead of a
 * scheduler cycle and a dependent task starts as soon as the engine hears its inputs ended. The
 * allocation itself is followed on the bridge's shared {@link SlurmPoller}: when it ends (its
 * --time, scancel, a node failure) the tasks it had not finished fail with that reason, and later
 * tasks get a new pilot. Each task's job id is its pilot's Slurm job id, so a restarted bridge
 * reattaches through the pilot's files in {@code <pilotRoot>/<job id>/}.
 */
public final class PilotLauncher implements TaskLauncher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PilotLauncher.class);

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));
  private final CallGuard guard = CallGuard.forDestination("slurm");
  private final SlurmPoller poller;
  private final boolean ownsPoller;
  private final SbatchCommand sbatch;
  private final Path pilotRoot;
  private final Path logDir;
  private final Path outputDir;
  private final PilotSize size;
  private final List<String> agentCommand;
  private final Map<String, PilotConnection> pilots = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = new ConcurrentHashMap<>();
  private volatile PilotConnection current;
  private volatile boolean cancelled;
  private boolean earlierOpened;

  /**
   * One burst's pilot launcher on the bridge's shared poller.
   *
   * @param pilotRoot where each pilot's files go ({@code <job id>/inbox, events}, {@code agent-<id>.log})
   * @param outputDir $FEDMESH_OUTPUT = outputDir/<task>.csv; null for none
   */
  public PilotLauncher(SlurmPoller poller, Path pilotRoot, Path logDir, Path outputDir, String partition, String jobNamePrefix,
      PilotSize size) {
    this(poller, false, pilotRoot, logDir, outputDir, partition, jobNamePrefix, size);
  }

  /** A pilot launcher with its own poller (benchmarks): close() ends the pilot. */
  public static PilotLauncher standalone(Path workDir, String partition, PilotSize size, Duration pollEvery) {
    return new PilotLauncher(new SlurmPoller(pollEvery), true, workDir.resolve("pilot"), workDir.resolve("logs"), null, partition,
        "", size);
  }

  private PilotLauncher(SlurmPoller poller, boolean ownsPoller, Path pilotRoot, Path logDir, Path outputDir, String partition,
      String jobNamePrefix, PilotSize size) {
    this.poller = poller;
    this.ownsPoller = ownsPoller;
    this.pilotRoot = pilotRoot.toAbsolutePath();
    this.logDir = logDir.toAbsolutePath();
    this.outputDir = outputDir == null ? null : outputDir.toAbsolutePath();
    this.size = size;
    this.sbatch = new SbatchCommand(this.logDir, partition, this.outputDir, jobNamePrefix);
    this.agentCommand = agentCommand();
  }

  /** A task already in the inbox of one of this burst's pilots is followed there, never handed over again. */
  @Override
  public boolean recognisesResubmits() {
    return true;
  }

  /** The pilots an earlier bridge process started for this burst, opened once on the first launch. */
  private void openEarlierPilots() throws IOException {
    if (earlierOpened || !Files.isDirectory(pilotRoot)) {
      earlierOpened = true;
      return;
    }
    earlierOpened = true;
    try (Stream<Path> dirs = Files.list(pilotRoot)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        String jobId = d.getFileName().toString();
        if (PilotProtocol.nameProblem(jobId).isEmpty()) {
          open(jobId);
        }
      }
    }
  }

  /**
   * This JVM and class path run the agent: the allocation's node must see them (on a cluster, the
   * bridge's install and work directory live on a shared file system, as its logs already must).
   * A small heap and the quick JIT tier: the agent only forks and writes lines.
   */
  private static List<String> agentCommand() {
    String java = io.fedmesh.common.process.JavaBinary.path();
    return List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", absoluteClassPath(),
        PilotAgent.class.getName());
  }

  /** The class path with relative entries made absolute (the batch job may start elsewhere). */
  private static String absoluteClassPath() {
    return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(e -> e.endsWith("*") ? Path.of(e.substring(0, e.length() - 1)).toAbsolutePath() + "/*" : Path.of(e).toAbsolutePath().toString())
        .reduce((a, b) -> a + java.io.File.pathSeparator + b).orElse("");
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    return launchAll(List.of(task), IGNORED).get(0);
  }

  /**
   * Hands the tasks to the live pilot (submitting one first when there is none) in one inbox write.
   * A task already in a pilot's inbox (handed over before a bridge restart) is followed there.
   */
  @Override
  public synchronized List<CompletableFuture<Integer>> launchAll(List<TaskNode> tasks, Events events) {
    if (cancelled) {
      return failAll(tasks, new IllegalStateException("cancelled before it was handed to the pilot"));
    }
    List<CompletableFuture<Integer>> out = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
    List<Integer> fresh = new ArrayList<>();
    try {
      openEarlierPilots();
      for (int i = 0; i < tasks.size(); i++) {
        TaskNode t = tasks.get(i);
        Optional<PilotConnection> known = pilots.values().stream().filter(p -> p.handedOver(t.name())).findFirst();
        if (known.isPresent()) {
          out.set(i, follow(known.get(), t, events));
        } else {
          fresh.add(i);
        }
      }
      if (fresh.isEmpty()) {
        return out;
      }
      PilotConnection pilot = livePilot();
      List<PilotProtocol.Task> lines = new ArrayList<>();
      for (int i : fresh) {
        TaskNode t = tasks.get(i);
        lines.add(new PilotProtocol.Task(t.name(), t.command(), ConfinedPath.resolve(logDir, t.name() + ".log"),
            outputDir == null ? null : ConfinedPath.resolve(outputDir, t.name() + ".csv"), t.walltimeSeconds()));
      }
      Files.createDirectories(logDir);
      if (outputDir != null) {
        Files.createDirectories(outputDir);
      }
      pilot.send(lines); // in the inbox before the journal hears the job id: a journaled task is always the pilot's
      for (int i : fresh) {
        out.set(i, follow(pilot, tasks.get(i), events));
      }
      return out;
    } catch (RuntimeException | IOException e) {
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) == null) {
          out.set(i, CompletableFuture.failedFuture(e));
        }
      }
      return out;
    }
  }

  private static CompletableFuture<Integer> follow(PilotConnection pilot, TaskNode t, Events events) {
    CompletableFuture<Integer> f = pilot.follow(t.name(), () -> events.running(t));
    events.submitted(t, pilot.jobId());
    return f;
  }

  /** The pilot that takes new tasks: the current one while its allocation lasts, else a new one. */
  private PilotConnection livePilot() throws IOException {
    PilotConnection p = current;
    if (p != null && !ended.containsKey(p.jobId())) {
      return p;
    }
    if (p == null) { // an earlier bridge process's pilot takes new tasks while Slurm still has its allocation
      for (PilotConnection earlier : pilots.values()) {
        if (!ended.containsKey(earlier.jobId()) && allocationLive(earlier.jobId())) {
          current = earlier;
          return earlier;
        }
      }
    }
    Files.createDirectories(pilotRoot);
    Files.createDirectories(logDir);
    SbatchCommand.Submission s = sbatch.pilot(size.cores(), size.gpus(), size.timeSeconds(), pilotRoot, agentCommand);
    CommandRunner.Result r = guard.once(() -> runner.run(s.argv()));
    if (!r.ok()) {
      throw new SchedulerException("sbatch refused the pilot allocation (" + size.cores() + " cores"
          + (size.gpus() > 0 ? ", " + size.gpus() + " GPUs" : "") + "): " + SlurmText.excerpt(r.stderr()), null);
    }
    String jobId = SlurmText.submittedJobId(r.stdout());
    LOG.info("pilot allocation {} submitted: {} cores, time limit {} s", jobId, size.cores(), size.timeSeconds());
    current = open(jobId);
    return current;
  }

  /** Whether Slurm still has the allocation queued or running (asked once, for an earlier process's pilot). */
  private boolean allocationLive(String jobId) {
    CommandRunner.Result r = guard.once(() -> runner.run(List.of("squeue", "-h", "-o", "%i %T", "-j", jobId)));
    return r.ok() && r.stdout().lines().anyMatch(l -> l.startsWith(jobId + " ") && (l.endsWith("RUNNING") || l.endsWith("PENDING")));
  }

  /** The connection to pilot {@code jobId}'s files, followed on the poller until the allocation ends. */
  private synchronized PilotConnection open(String jobId) throws IOException {
    PilotConnection known = pilots.get(jobId);
    if (known != null) {
      return known;
    }
    PilotConnection p = new PilotConnection(ConfinedPath.resolve(pilotRoot, jobId), jobId);
    pilots.put(jobId, p);
    poller.follow(jobId).whenComplete((code, error) -> {
      ended.put(jobId, true);
      p.allocationEnded("its pilot allocation " + jobId + " ended before it finished (" + (error != null ? error.getMessage()
          : "Slurm exit code " + code) + "): the pilot's time limit, a scancel or a node failure; see " + pilotRoot.resolve("agent-"
          + jobId + ".log"));
    });
    return p;
  }

  /** Follows a task an earlier bridge process handed to pilot {@code jobId}, through that pilot's files. */
  @Override
  public Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId, Events events) {
    if (PilotProtocol.nameProblem(jobId).isPresent() || !Files.isDirectory(pilotRoot.resolve(jobId))) {
      return Optional.of(CompletableFuture.failedFuture(new IllegalStateException("task " + task.name() + " was journaled in pilot "
          + jobId + ", whose files are not in " + pilotRoot)));
    }
    try {
      PilotConnection p = open(jobId);
      if (!p.handedOver(task.name())) {
        return Optional.of(CompletableFuture.failedFuture(new IllegalStateException("task " + task.name() + " is not in the inbox of"
            + " pilot " + jobId)));
      }
      return Optional.of(p.follow(task.name(), () -> events.running(task)));
    } catch (IOException e) {
      return Optional.of(CompletableFuture.failedFuture(e));
    }
  }

  /** The pilot whose inbox holds this task (handed over before the bridge could journal it). */
  @Override
  public Optional<String> findSubmitted(TaskNode task) {
    if (!Files.isDirectory(pilotRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(pilotRoot)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        String jobId = d.getFileName().toString();
        if (PilotProtocol.nameProblem(jobId).isEmpty() && open(jobId).handedOver(task.name())) {
          return Optional.of(jobId);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot look for task {} in the pilots under {}: {}", task.name(), pilotRoot, e.getMessage());
    }
    return Optional.empty();
  }

  /** Tells every live pilot to kill its tasks, and scancels its allocation too (the agent may be stuck). */
  @Override
  public int cancelAll() {
    cancelled = true;
    int n = 0;
    List<String> live = new ArrayList<>();
    for (PilotConnection p : pilots.values()) {
      if (!ended.containsKey(p.jobId())) {
        n += p.unfinished();
        p.cancel();
        live.add(p.jobId());
      }
    }
    if (!live.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("scancel"));
      cmd.addAll(live);
      CommandRunner.Result r = guard.once(() -> runner.run(cmd));
      if (!r.ok()) {
        LOG.warn("scancel {} failed: {}", live, SlurmText.excerpt(r.stderr()));
      }
    }
    return n;
  }

  /** The burst is over: each pilot leaves its allocation once its running tasks end. */
  @Override
  public void burstEnded() {
    pilots.values().stream().filter(p -> !ended.containsKey(p.jobId())).forEach(PilotConnection::end);
  }

  /** The Slurm job ids of this launcher's pilots. */
  public List<String> pilotJobIds() {
    return List.copyOf(pilots.keySet());
  }

  /** Whether the current pilot's agent runs (its allocation started). */
  public boolean ready() {
    PilotConnection p = current;
    return p != null && p.ready();
  }

  /**
   * Stops reading the pilots' files. A launcher with its own poller (a benchmark) also ends its
   * pilots; one on the bridge's shared poller leaves them to the next bridge process.
   */
  @Override
  public void close() {
    if (ownsPoller) {
      burstEnded();
      poller.close();
    }
    for (PilotConnection p : pilots.values()) {
      try {
        p.close();
      } catch (IOException e) {
        LOG.debug("closing pilot {}: {}", p.jobId(), e.getMessage());
      }
    }
  }

  private static List<CompletableFuture<Integer>> failAll(List<TaskNode> tasks, Throwable e) {
    return tasks.stream().map(t -> CompletableFuture.<Integer>failedFuture(e)).toList();
  }
}
