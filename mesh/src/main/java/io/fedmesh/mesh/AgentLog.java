package io.fedmesh.mesh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies an agent process's output into its log file, line by line, without libtorch's one
 * deprecation warning (AutoNonVariableTypeMode, printed by the native engine straight to stderr
 * the first time a network evaluates: no log level reaches it, and it says nothing to a user).
 */
final class AgentLog {
  static final String LIBTORCH_NOISE = "Warning: AutoNonVariableTypeMode is deprecated";

  private AgentLog() {}

  static boolean isNoise(String line) {
    return line.contains(LIBTORCH_NOISE);
  }

  /** Starts a daemon thread that copies {@code output} into {@code log} until the stream ends. */
  static Thread pump(String site, InputStream output, Path log) {
    OutputStream out;
    try {
      out = Files.newOutputStream(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of " + site + " at " + log + ": " + e.getMessage(), e);
    }
    Thread t = new Thread(() -> copy(output, out), "fedmesh-agent-log-" + site);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void copy(InputStream output, OutputStream log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8)); log) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!isNoise(line)) {
          log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          log.flush(); // tests and users tail the log while the agent runs
        }
      }
    } catch (IOException e) {
      // the agent is gone or the log cannot be written: nothing more to copy
    }
  }
}
