package io.fedmesh.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One edge agent running as its own OS process (java ... AgentMain), as it would at a site. */
public final class AgentProcess implements AutoCloseable {
  private final String site;
  private final Process process;
  private final Path log;

  private AgentProcess(String site, Process process, Path log) {
    this.site = site;
    this.process = process;
    this.log = log;
  }

  public static AgentProcess launch(String site, int coordinatorPort, Path dataDir, Path workDir, Path log, List<String> extraArgs) {
    String java = io.fedmesh.common.process.JavaBinary.path();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), "io.fedmesh.edge.AgentMain",
        "--coordinator", "127.0.0.1:" + coordinatorPort, "--site", site, "--data", dataDir.toString(),
        "--work-dir", workDir.toString()));
    cmd.addAll(extraArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putIfAbsent("DJL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".djl.ai").toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    try {
      Process process = pb.start();
      return new AgentProcess(site, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the agent of " + site + ": " + e.getMessage(), e);
    }
  }

  public String site() {
    return site;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Kills the process at once (SIGKILL): the site vanishes as a crashed or cut-off box would. */
  public void kill() {
    process.destroyForcibly();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
