package io.fedmesh.hpc.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a scheduler command (sbatch, squeue, sacct, scancel) with a deadline; captures its output. */
public final class CommandRunner {
  /** Exit code, stdout and stderr of a finished command. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final Duration timeout;

  public CommandRunner(Duration timeout) {
    this.timeout = timeout;
  }

  public Result run(List<String> command) {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      SlurmEnvironment.applyTo(pb.environment());
      p = pb.start();
    } catch (IOException e) {
      throw new SchedulerException(command.get(0) + " cannot be run: " + e.getMessage() + " (is Slurm installed and on the PATH?)", e);
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new SchedulerException(String.join(" ", command) + " did not answer within " + timeout.toSeconds()
            + " s (is slurmctld up?)", null);
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SchedulerException("interrupted while running " + command.get(0), e);
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
