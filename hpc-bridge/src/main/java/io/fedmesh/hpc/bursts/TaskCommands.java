package io.fedmesh.hpc.bursts;

import io.fedmesh.hpc.apps.Application;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.ApplicationParameters;
import io.fedmesh.hpc.apps.TaskInvocation;
import io.fedmesh.hpc.engine.ConfinedPath;
import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a Submit request (peer bytes) into the task graph the scheduler runs, or refuses it with an
 * {@link IllegalArgumentException} naming the field ({@link io.fedmesh.hpc.apps.UnknownApplicationException}
 * for an application the allowlist lacks). Each task runs the argv of its allowlisted application;
 * nothing a peer sends is ever run by a shell. Every number is bounded so that no request makes
 * the bridge allocate or wait more than its admin's limits, and every path comes from
 * {@link ConfinedPath}.
 */
final class TaskCommands {
  private static final Pattern TASK_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$");
  static final int MAX_TASKS = 10_000;
  static final int MAX_RANKS = 1024;
  static final int MAX_CPUS_PER_RANK = 1024;
  static final int MAX_GPUS = 16;
  static final int MAX_WALLTIME_SECONDS = 7 * 24 * 3600;

  private final ApplicationAllowlist applications;

  TaskCommands(ApplicationAllowlist applications) {
    this.applications = applications;
  }

  /** @throws IllegalArgumentException naming the task or option at fault */
  TaskGraph graphOf(SubmitBurstRequest request, Path outputDir, Path workDir) {
    if (request.getTasksCount() == 0 || request.getTasksCount() > MAX_TASKS) {
      throw new IllegalArgumentException("tasks has " + request.getTasksCount() + " entries: a burst needs 1 to " + MAX_TASKS);
    }
    checkText("burst_name", request.getBurstName(), 320);
    Map<String, String> options = ApplicationParameters.checked("application_options", request.getApplicationOptionsMap());
    List<TaskNode> nodes = new ArrayList<>();
    for (int i = 0; i < request.getTasksCount(); i++) {
      nodes.add(node(i, request.getTasks(i), options, outputDir, workDir));
    }
    return new TaskGraph(nodes);
  }

  private TaskNode node(int i, TaskSpec t, Map<String, String> options, Path outputDir, Path workDir) {
    String at = "tasks[" + i + "]";
    if (!TASK_NAME.matcher(t.getName()).matches()) {
      throw new IllegalArgumentException(at + ".name must be 1 to 63 letters, digits, '_', '.', '-', starting with a letter or digit");
    }
    if (!t.getCommand().isEmpty()) {
      throw new IllegalArgumentException(at + ".command is no longer run (the bridge gives no peer text to a shell): name an"
          + " application of the bridge's allowlist in " + at + ".application (allowed: " + applications.names() + ")");
    }
    checkText(at + ".kind", t.getKind(), 64);
    Application app = applications.resolve(t.getApplication());
    int ranks = bounded(at + ".ranks", t.getRanks(), MAX_RANKS);
    int cpusPerRank = bounded(at + ".cpus_per_rank", t.getCpusPerRank(), MAX_CPUS_PER_RANK);
    int gpus = bounded(at + ".gpus", t.getGpus(), MAX_GPUS);
    int walltime = bounded(at + ".walltime_seconds", t.getWalltimeSeconds(), MAX_WALLTIME_SECONDS);
    if (!Double.isFinite(t.getEstimatedSeconds()) || t.getEstimatedSeconds() < 0) {
      throw new IllegalArgumentException(at + ".estimated_seconds must be a finite number of seconds, 0 or more");
    }
    if (t.getDependsOnCount() > MAX_TASKS) {
      throw new IllegalArgumentException(at + ".depends_on lists more than " + MAX_TASKS + " tasks");
    }
    Map<String, Double> point = ApplicationParameters.checkedPoint(at + ".params", t.getParams().getValuesMap());
    ranks = Math.max(1, ranks);
    Path output = ConfinedPath.resolve(outputDir, t.getName() + ".csv");
    List<String> command = app.command(new TaskInvocation(t.getName(), i, point, options, ranks, gpus, output, workDir));
    return new TaskNode(t.getName(), t.getKind(), t.getStage(), t.getDependsOnList(), ranks * Math.max(1, cpusPerRank),
        t.getEstimatedSeconds(), command, ranks, gpus, walltime > 0 ? walltime : app.defaultWalltimeSeconds());
  }

  /** Text that reaches logs and statuses: bounded, no control characters (no forged log lines). */
  private static void checkText(String field, String value, int max) {
    if (value.length() > max || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(field + " must be at most " + max + " printable characters");
    }
  }

  private static int bounded(String field, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(field + " is " + value + ": it must be between 0 and " + max);
    }
    return value;
  }
}
