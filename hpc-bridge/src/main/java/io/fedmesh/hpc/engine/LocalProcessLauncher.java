package io.fedmesh.hpc.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Runs each task as a process on this host; its output goes to {@code <logDir>/<task>.log}. */
public final class LocalProcessLauncher implements TaskLauncher {
  private final Path logDir;
  private final Path outputDir;

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
    try {
      Files.createDirectories(logDir);
      ProcessBuilder pb = new ProcessBuilder(task.command()).redirectErrorStream(true)
          .redirectOutput(logDir.resolve(task.name() + ".log").toFile());
      if (outputDir != null) {
        Files.createDirectories(outputDir);
        pb.environment().put("FEDMESH_OUTPUT", outputDir.resolve(task.name() + ".csv").toString());
      }
      Process p = pb.start();
      return p.onExit().thenApply(Process::exitValue);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("task " + task.name() + " could not start " + task.command().get(0)
          + ": " + e.getMessage(), e));
    }
  }
}
