package io.fedmesh.hpc.apps;

import io.fedmesh.hpc.sim.SimulationLauncher;
import java.util.List;
import java.util.Map;

/**
 * The built-in application {@value #NAME}: the reference plume solver the mesh runs, always
 * allowed, so a bridge needs no allowlist file to serve it. Its options are grid, steps and
 * samples (whole numbers in range); the sweep point goes to the solver, which checks the physics
 * ranges itself (a task with bad parameters fails with exit code 2 and says why).
 */
public final class ReferenceSimulationApplication implements Application {
  public static final String NAME = "advection-diffusion";

  /** An option: name, default, min, max. */
  private record Option(String name, int defaultValue, int min, int max) {}

  private static final List<Option> OPTIONS = List.of(new Option("grid", 64, 8, 8192),
      new Option("steps", 200, 1, 1_000_000), new Option("samples", 64, 1, 10_000));

  private final SimulationLauncher simulation;

  public ReferenceSimulationApplication(SimulationLauncher simulation) {
    this.simulation = simulation;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int defaultWalltimeSeconds() {
    return 0;
  }

  @Override
  public List<String> command(TaskInvocation task) {
    Map<String, String> options = task.options();
    for (String name : options.keySet()) {
      if (OPTIONS.stream().noneMatch(o -> o.name().equals(name))) {
        throw new IllegalArgumentException("application_options." + ApplicationParameters.printable(name) + " is unknown to "
            + NAME + ": valid options are grid, steps, samples");
      }
    }
    return simulation.command(task.task(), task.point(), task.ranks(), task.gpus(), option(options, OPTIONS.get(0)),
        option(options, OPTIONS.get(1)), option(options, OPTIONS.get(2)), task.outputCsv(), task.workDir());
  }

  private static int option(Map<String, String> options, Option o) {
    String raw = options.get(o.name());
    if (raw == null || raw.isBlank()) {
      return o.defaultValue();
    }
    int v;
    try {
      v = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("application_options." + o.name() + "=" + ApplicationParameters.printable(raw)
          + " is not a whole number");
    }
    if (v < o.min() || v > o.max()) {
      throw new IllegalArgumentException("application_options." + o.name() + "=" + v + " is out of range [" + o.min() + ", "
          + o.max() + "]");
    }
    return v;
  }
}
