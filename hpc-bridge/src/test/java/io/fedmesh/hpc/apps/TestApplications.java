package io.fedmesh.hpc.apps;

import io.fedmesh.hpc.sim.MpiRuntime;
import io.fedmesh.hpc.sim.SimulationLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Allowlisted applications for the bridge's tests. A test application is a fixed sh script the test
 * (as admin) writes: the task's values arrive as "$1", "$2"... and are never read as shell syntax,
 * which is the safe way for an admin to wrap a program in a script.
 */
public final class TestApplications {
  private TestApplications() {}

  /** {@code /bin/sh -c SCRIPT NAME ARGS...} as an application called {@code name}. */
  public static ApplicationTemplate script(String name, String script, String... args) {
    List<String> argv = new ArrayList<>(List.of("-c", script, name));
    argv.addAll(List.of(args));
    return new ApplicationTemplate(name, Path.of("/bin/sh"), argv, Map.of(), 0);
  }

  /** The reference simulation on one process (no Open MPI needed). */
  public static SimulationLauncher oneRank() {
    return new SimulationLauncher(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"),
        new MpiRuntime(Optional.empty(), Optional.empty(), Optional.empty()));
  }

  /**
   * The built-in simulation and: sample (appends a line to {runs}, writes one sample row from
   * {taskIndex}), fail (appends to {runs}, exits 2), slow-sample (appends {task}, sleeps 1.5 s, writes
   * a row) and sleeper (appends {task} to {runs}, sleeps {seconds}).
   */
  public static ApplicationAllowlist allowlist() {
    return ApplicationAllowlist.builtIn(oneRank())
        .with(script("sample", "echo run >> \"$1\"; printf 'x,label\\n%s,0.%s\\n' \"$2\" \"$2\" > \"$FEDMESH_OUTPUT\"",
            "{runs}", "{taskIndex}"))
        .with(script("fail", "echo run >> \"$1\"; echo 'diffusivity must be >= 0' >&2; exit 2", "{runs}"))
        .with(script("slow-sample", "echo \"$2\" >> \"$1\"; sleep 1.5; printf 'x,label\\n%s,1\\n' \"$3\" > \"$FEDMESH_OUTPUT\"",
            "{runs}", "{task}", "{taskIndex}"))
        .with(script("sleeper", "echo \"$2\" >> \"$1\"; exec sleep \"$3\"", "{runs}", "{task}", "{seconds}"));
  }
}
