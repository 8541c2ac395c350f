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
 * their own ports and files, touching nothing of the machine's own setup) and stops it at the end;
 * on a machine without Slurm it installs Debian's first, when it runs as root with apt-get.
 */
final class PrivateSlurm implements AutoCloseable {
  private static final Path SCRIPTS = Path.of("hpc-bridge", "scripts");

  private final Path dir;
  private final Path log;

  private PrivateSlurm(Path dir, Path log) {
    this.dir = dir;
    this.log = log;
  }

  static final List<String> BINARIES = List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged");

  /** What the machine offers a private Slurm; a seam so each refusal is tested without changing the machine. */
  record Machine(boolean scripts, String missingBinary, boolean root, boolean aptGet) {
    static Machine current() {
      String missing = BINARIES.stream().filter(b -> !Files.isExecutable(Path.of(b))).findFirst().orElse(null);
      return new Machine(Files.isRegularFile(SCRIPTS.resolve("slurm-up.sh")), missing, "root".equals(System.getProperty("user.name")),
          Files.isExecutable(Path.of("/usr/bin/apt-get")));
    }

    /** Slurm, munge or Open MPI is missing and this machine can install them from Debian. */
    boolean installs() {
      return missingBinary != null && root && aptGet;
    }
  }

  /** Why a private Slurm cannot start here, or null when it can (or none is needed). */
  static String problem() {
    return problem(System.getenv("SLURM_CONF"), Machine.current());
  }

  /** @param slurmConf the SLURM_CONF in effect (null: none, so the mesh must start its own) */
  static String problem(String slurmConf, Machine m) {
    if (slurmConf != null) {
      return null;
    }
    if (!m.scripts()) {
      return "--hpc slurm: SLURM_CONF is not set and " + SCRIPTS.resolve("slurm-up.sh") + " is not here to start a private Slurm:"
          + " run ./fedmesh from the repository, or set SLURM_CONF";
    }
    if (!m.root()) {
      return "--hpc slurm: SLURM_CONF is not set and a private Slurm needs root (munged runs as user munge, slurmd as root):"
          + " run as root, or start one with 'sudo bash hpc-bridge/scripts/slurm-up.sh /tmp/slurm && . /tmp/slurm/env'";
    }
    if (m.missingBinary() != null && !m.aptGet()) {
      return "--hpc slurm: SLURM_CONF is not set and " + m.missingBinary() + " is missing to start a private Slurm, and there is"
          + " no apt-get to install it: install Slurm (slurmctld, slurmd), munge and Open MPI, or use --hpc local";
    }
    return null; // a missing Slurm is installed from Debian first (installIfMissing)
  }

  /** Installs Slurm, munge and Open MPI (and the MPI Java bindings) from Debian when they are missing. */
  static void installIfMissing(Path out, PrintStream console) throws IOException, InterruptedException {
    Machine m = Machine.current();
    if (!m.installs()) {
      return;
    }
    Path log = out.resolve("logs").resolve("hpc-deps.log");
    Files.createDirectories(log.getParent());
    console.printf("  slurm           %s is missing: installing Slurm, munge and Open MPI from Debian (a few minutes; log %s)%n",
        m.missingBinary(), log);
    Process install = new ProcessBuilder("bash", SCRIPTS.resolve("install-hpc-deps.sh").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!install.waitFor(15, TimeUnit.MINUTES)) {
      install.destroyForcibly();
    }
    String still = Machine.current().missingBinary();
    if (still != null) {
      throw new IllegalStateException("--hpc slurm: installing Slurm from Debian did not give " + still + "; see " + log
          + " (and /tmp/fedmesh-hpc-deps.log), or use --hpc local");
    }
  }

  /** Starts one under {@code out}/slurm when SLURM_CONF is not set; null when the machine's own is used. */
  static PrivateSlurm startIfNeeded(Path out, PrintStream console) throws IOException, InterruptedException {
    if (System.getenv("SLURM_CONF") != null) {
      return null;
    }
    installIfMissing(out, console);
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
