package io.fedmesh.hpc.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs each task as a process on this host; its output goes to {@code <logDir>/<task>.log}. A small
 * sh wrapper writes the exit code to {@code <logDir>/<task>.exit} (atomically) when the task ends,
 * so a restarted bridge can follow a task that outlived it: it waits for the journaled process id,
 * then reads the file. A task past its walltime has its process tree killed and ends as TIMEOUT
 * (a {@code <task>.timeout} marker tells a restarted bridge too), as Slurm's --time does.
 */
public final class LocalProcessLauncher implements TaskLauncher {
  /**
   * $0 is the exit file, "$@" the task's argv. The wrapper's text is fixed: "$@" hands every argv
   * element to exec as one word, so the task's arguments are never read as shell syntax.
   */
  private static final String WRAPPER = "\"$@\"; code=$?; printf '%s\\n' \"$code\" > \"$0.tmp\" && mv -f \"$0.tmp\" \"$0\"; exit $code";
  /** How long a task killed for its walltime gets between SIGTERM and SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final ScheduledExecutorService WALLTIME = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "local-walltime");
    t.setDaemon(true);
    return t;
  });

  private final Path logDir;
  private final Path outputDir;
  private final Map<String, ProcessHandle> running = new ConcurrentHashMap<>();
  private volatile boolean cancelled;

  public LocalProcessLauncher(Path logDir) {
    this(logDir, null);
  }

  /** @param outputDir where each task may write its samples: $FEDMESH_OUTPUT = outputDir/<task>.csv */
  public LocalProcessLauncher(Path logDir, Path outputDir) {
    this.logDir = logDir;
    this.outputDir = outputDir;
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task) {
    return launch(task, id -> { });
  }

  @Override
  public CompletableFuture<Integer> launch(TaskNode task, Consumer<String> submitted) {
    if (cancelled) {
      return CompletableFuture.failedFuture(new IllegalStateException("cancelled before it started"));
    }
    try {
      Files.createDirectories(logDir);
      Path exit = exitFile(task);
      Files.deleteIfExists(exit);
      List<String> argv = new ArrayList<>(List.of("sh", "-c", WRAPPER, exit.toString()));
      argv.addAll(task.command());
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ConfinedPath.resolve(logDir, task.name() + ".log").toFile());
      if (outputDir != null) {
        Files.createDirectories(outputDir);
        pb.environment().put("FEDMESH_OUTPUT", ConfinedPath.resolve(outputDir, task.name() + ".csv").toString());
      }
      Files.deleteIfExists(timeoutFile(task));
      Process p = pb.start();
      running.put(task.name(), p.toHandle());
      submitted.accept(Long.toString(p.pid()));
      return follow(task, p.toHandle(), Instant.now(), h -> exitStatus(p));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("task " + task.name() + " could not start " + task.command().get(0)
          + ": " + e.getMessage(), e));
    }
  }

  /**
   * The exit status of a process its handle saw end. {@code exitValue()} can still throw then
   * ("process hasn't exited": the handle's end comes before the JDK reaps the status), which
   * failed a task that had succeeded; {@code waitFor} returns as soon as the status is in.
   */
  private static int exitStatus(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the exit status of process " + p.pid(), e);
    }
  }

  /** Waits for the process if it still runs, then reads the exit code its wrapper wrote. */
  @Override
  public Optional<CompletableFuture<Integer>> reattach(TaskNode task, String jobId, Events events) {
    Path exit = exitFile(task);
    Optional<ProcessHandle> handle;
    try {
      handle = ProcessHandle.of(Long.parseLong(jobId)).filter(h -> ours(h, exit));
    } catch (NumberFormatException e) {
      handle = Optional.empty();
    }
    if (handle.isPresent() && handle.get().isAlive()) {
      running.put(task.name(), handle.get());
      events.running(task);
      // the walltime counts from the process's start, not from this bridge's
      Instant started = handle.get().info().startInstant().orElse(Instant.now());
      return Optional.of(follow(task, handle.get(), started, h -> readExit(task, jobId, exit)));
    }
    if (Files.exists(timeoutFile(task))) {
      return Optional.of(CompletableFuture.failedFuture(new WalltimeExceededException(task)));
    }
    return Optional.of(CompletableFuture.supplyAsync(() -> readExit(task, jobId, exit)));
  }

  /**
   * The task's exit code once its wrapper {@code h} ends, or a {@link WalltimeExceededException} when
   * it was killed for running past its walltime.
   */
  private CompletableFuture<Integer> follow(TaskNode task, ProcessHandle h, Instant started,
      java.util.function.ToIntFunction<ProcessHandle> exitCode) {
    ScheduledFuture<?> timer = null;
    if (task.walltimeSeconds() > 0) {
      Duration left = Duration.between(Instant.now(), started.plusSeconds(task.walltimeSeconds()));
      timer = WALLTIME.schedule(() -> killForWalltime(task, h), Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
    }
    ScheduledFuture<?> armed = timer;
    CompletableFuture<Integer> result = new CompletableFuture<>();
    h.onExit().whenComplete((ended, error) -> {
      if (armed != null) {
        armed.cancel(false);
      }
      running.remove(task.name());
      if (Files.exists(timeoutFile(task))) {
        result.completeExceptionally(new WalltimeExceededException(task));
        return;
      }
      try {
        result.complete(exitCode.applyAsInt(ended));
      } catch (RuntimeException e) {
        result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      }
    });
    return result;
  }

  /**
   * Marks the task as timed out, then stops its whole process tree: SIGTERM to every descendant of
   * the wrapper (taken before any dies, since orphans leave the tree), SIGKILL after
   * {@link #KILL_GRACE}. The wrapper itself is left to record the exit code and end.
   */
  private void killForWalltime(TaskNode task, ProcessHandle wrapper) {
    if (!wrapper.isAlive()) {
      return;
    }
    try {
      Files.writeString(timeoutFile(task), task.walltimeSeconds() + "\n");
    } catch (IOException e) {
      // the kill matters more than the marker: the task then ends as FAILED with its signal's exit code
    }
    List<ProcessHandle> tree = wrapper.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    WALLTIME.schedule(() -> {
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      if (wrapper.isAlive()) {
        wrapper.destroyForcibly();
      }
    }, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A task killed because it ran past its walltime (Slurm's TIMEOUT). */
  public static final class WalltimeExceededException extends RuntimeException {
    WalltimeExceededException(TaskNode task) {
      super("TIMEOUT: task " + task.name() + " ran past its walltime of " + task.walltimeSeconds()
          + " s and was killed with its child processes (raise walltimeSeconds if it needs longer)");
    }
  }

  @Override
  public int cancelAll() {
    cancelled = true;
    int n = 0;
    for (ProcessHandle h : running.values()) {
      h.descendants().forEach(ProcessHandle::destroy);
      h.destroy();
      n++;
    }
    return n;
  }

  private Path exitFile(TaskNode task) {
    return ConfinedPath.resolve(logDir, task.name() + ".exit");
  }

  private Path timeoutFile(TaskNode task) {
    return ConfinedPath.resolve(logDir, task.name() + ".timeout");
  }

  /** A process id can be reused: it is ours when its command line names our exit file (or the OS does not say). */
  private static boolean ours(ProcessHandle h, Path exit) {
    return h.info().commandLine().map(c -> c.contains(exit.toString())).orElse(true);
  }

  private static int readExit(TaskNode task, String pid, Path exit) {
    try {
      return Integer.parseInt(Files.readString(exit).trim());
    } catch (IOException | NumberFormatException e) {
      throw new CompletionException(new IllegalStateException("task " + task.name() + " (process " + pid
          + ") ended without recording its exit code (killed while the bridge was down?)"));
    }
  }
}
