package io.fedmesh.hpc.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a launcher command as a real process, with its output in files, and waits (bounded). */
record TaskProcess(int exitCode, String out, String err) {
  static TaskProcess run(List<String> command, Path workDir) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("task did not finish in 120 s: " + command);
    }
    return new TaskProcess(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
