package io.fedmesh.mesh;

import io.fedmesh.hpc.slurm.SlurmEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `--hpc slurm` without homework: with no SLURM_CONF set, the local mesh starts a private
 * single-node Slurm under OUT/slurm with the repository's scripts (munged, slurmctld, slurmd on
 * their own ports and files, touching nothing of the machine's own setup) and stops it at the end.
 */
final class PrivateSlurm implements AutoCloseable {
  private static final Path SCRIPTS = Path.of("hpc-bridge", "scripts");

  private final Path dir;
  private final Path log;

  private PrivateSlurm(Path dir, Path log) {
    this.dir = dir;
    this.log = log;
  }

  /** Why a private Slurm cannot start here, or null when it can (or none is needed). */
  static String problem() {
    return problem(System.getenv("SLURM_CONF"));
  }

  /** @param slurmConf the SLURM_CONF in effect (null: none, so the mesh must start its own) */
  static String problem(String slurmConf) {
    if (slurmConf != null) {
      return null;
    }
    if (!Files.isRegularFile(SCRIPTS.resolve("slurm-up.sh"))) {
      return "--hpc slurm: SLURM_CONF is not set and " + SCRIPTS.resolve("slurm-up.sh") + " is not here to start a private Slurm:"
          + " run ./fedmesh from the repository, or set SLURM_CONF";
    }
    for (String binary : List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged")) {
      if (!Files.isExecutable(Path.of(binary))) {
        return "--hpc slurm: SLURM_CONF is not set and " + binary + " is missing to start a private Slurm: install it with"
            + " 'sudo bash hpc-bridge/scripts/install-hpc-deps.sh' (Debian's slurm-wlm and munge), or use --hpc local";
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "--hpc slurm: SLURM_CONF is not set and a private Slurm needs root (munged runs as user munge, slurmd as root):"
          + " run as root, or start one with 'sudo bash hpc-bridge/scripts/slurm-up.sh /tmp/slurm && . /tmp/slurm/env'";
    }
    return null;
  }

  /** Starts one under {@code out}/slurm when SLURM_CONF is not set; null when the machine's own is used. */
  static PrivateSlurm startIfNeeded(Path out, PrintStream console) throws IOException, InterruptedException {
    if (System.getenv("SLURM_CONF") != null) {
      return null;
    }
    Path dir = out.resolve("slurm");
    Path log = out.resolve("logs").resolve("slurm.log");
    Process up = new ProcessBuilder("bash", SCRIPTS.resolve("slurm-up.sh").toString(), dir.toString(), "4")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!up.waitFor(90, TimeUnit.SECONDS) || up.exitValue() != 0 || !Files.isRegularFile(dir.resolve("env"))) {
      up.destroyForcibly();
      new PrivateSlurm(dir, log).close();
      throw new IllegalStateException("--hpc slurm: the private Slurm did not start; see " + log);
    }
    SlurmEnvironment.set("SLURM_CONF", dir.resolve("slurm.conf").toString());
    console.printf("  slurm           a private single-node Slurm in %s (stopped at the end; log %s)%n", dir, log);
    return new PrivateSlurm(dir, log);
  }

  @Override
  public void close() {
    SlurmEnvironment.clear("SLURM_CONF");
    try {
      Process down = new ProcessBuilder("bash", SCRIPTS.resolve("slurm-down.sh").toString(), dir.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      down.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot stop the private Slurm in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
