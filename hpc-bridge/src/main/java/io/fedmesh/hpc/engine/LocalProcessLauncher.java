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
import java.util.function.Consumer;

/**
 * Runs each task as a process on this host; its output goes to {@code <logDir>/<task>.log}. A small
 * sh wrapper writes the exit code to {@code <logDir>/<task>.exit} (atomically) when the task ends,
 * so a restarted bridge can follow a task that outlived it: it waits for the journaled process id,
 * then reads the file.
 */
public final class LocalProcessLauncher implements TaskLauncher {
  /** $0 is the exit file, "$@" the task's argv. */
  private static final String WRAPPER = "\"$@\"; code=$?; printf '%s\\n' \"$code\" > \"$0.tmp\" && mv -f \"$0.tmp\" \"$0\"; exit $code";

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
          .redirectOutput(logDir.resolve(task.name() + ".log").toFile());
      if (outputDir != null) {
        Files.createDirectories(outputDir);
        pb.environment().put("FEDMESH_OUTPUT", outputDir.resolve(task.name() + ".csv").toString());
      }
      Process p = pb.start();
      running.put(task.name(), p.toHandle());
      submitted.accept(Long.toString(p.pid()));
      return p.onExit().thenApply(Process::exitValue).whenComplete((c, e) -> running.remove(task.name()));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("task " + task.name() + " could not start " + task.command().get(0)
          + ": " + e.getMessage(), e));
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
      return Optional.of(handle.get().onExit().thenApply(h -> readExit(task, jobId, exit))
          .whenComplete((c, e) -> running.remove(task.name())));
    }
    return Optional.of(CompletableFuture.supplyAsync(() -> readExit(task, jobId, exit)));
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
    return logDir.resolve(task.name() + ".exit");
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
