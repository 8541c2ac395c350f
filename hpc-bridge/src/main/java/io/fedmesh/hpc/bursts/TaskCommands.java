package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a Submit request into the task graph the scheduler runs. A task with a command runs it
 * with {@code sh -c}; a task without one runs the built-in reference simulation (2-D
 * advection-diffusion, on {@code ranks} MPI ranks when Open MPI and mpi.jar are present) with its
 * sweep point and writes its samples to {@code <output>/<task>.csv}. Parameter values are NOT
 * checked here: a task with bad parameters fails on its own with exit code 2 and says why, while
 * the rest of the burst runs.
 */
final class TaskCommands {
  private static final Pattern TASK_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]*$");

  /** application_options of the reference simulation: name, default, min, max. */
  private record Option(String name, int defaultValue, int min, int max) {}

  private static final List<Option> OPTIONS = List.of(new Option("grid", 64, 8, 8192),
      new Option("steps", 200, 1, 1_000_000), new Option("samples", 64, 1, 10_000));

  private final SimulationLauncher simulation;

  TaskCommands(SimulationLauncher simulation) {
    this.simulation = simulation;
  }

  /** @throws IllegalArgumentException naming the task or option at fault */
  TaskGraph graphOf(SubmitBurstRequest request, Path outputDir, Path workDir) {
    if (request.getTasksCount() == 0) {
      throw new IllegalArgumentException("tasks is empty: a burst needs at least one task");
    }
    Map<String, String> options = request.getApplicationOptionsMap();
    for (String name : options.keySet()) {
      if (OPTIONS.stream().noneMatch(o -> o.name().equals(name))) {
        throw new IllegalArgumentException("application_options." + name + " is unknown: valid options are grid, steps, samples");
      }
    }
    int grid = option(options, OPTIONS.get(0));
    int steps = option(options, OPTIONS.get(1));
    int samples = option(options, OPTIONS.get(2));
    List<TaskNode> nodes = new ArrayList<>();
    for (TaskSpec t : request.getTasksList()) {
      if (!TASK_NAME.matcher(t.getName()).matches()) {
        throw new IllegalArgumentException("task name '" + t.getName() + "' must be letters, digits, '_', '.', '-'");
      }
      int ranks = Math.max(1, t.getRanks());
      int cores = ranks * Math.max(1, t.getCpusPerRank());
      List<String> command = t.getCommand().isBlank()
          ? simulation.command(t.getName(), t.getParams().getValuesMap(), ranks, t.getGpus(), grid, steps, samples,
              outputDir.resolve(t.getName() + ".csv"), workDir)
          : List.of("sh", "-c", t.getCommand());
      nodes.add(new TaskNode(t.getName(), t.getKind(), t.getStage(), t.getDependsOnList(), cores, t.getEstimatedSeconds(),
          command, ranks, Math.max(0, t.getGpus()), Math.max(0, t.getWalltimeSeconds())));
    }
    return new TaskGraph(nodes);
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
      throw new IllegalArgumentException("application_options." + o.name() + "=" + raw + " is not a whole number");
    }
    if (v < o.min() || v > o.max()) {
      throw new IllegalArgumentException("application_options." + o.name() + "=" + v + " is out of range [" + o.min() + ", "
          + o.max() + "]");
    }
    return v;
  }
}
