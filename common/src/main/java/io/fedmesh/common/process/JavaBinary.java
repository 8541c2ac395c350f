package io.fedmesh.common.process;

import java.nio.file.Path;

/** The java executable of this JVM, for the child processes fedmesh starts (agents, tasks, pilots, benchmark runs). */
public final class JavaBinary {
  private JavaBinary() {}

  /** This process's own executable, else {@code java.home}'s bin/java. */
  public static String path() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
