package io.fedmesh.hpc.slurm;

import io.fedmesh.hpc.engine.TaskNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the sbatch calls of one burst's tasks, touching nothing: a task is {@code sbatch --parsable
 * -n ranks -c cores-per-rank} with {@code --time}, {@code --gres=gpu:N} and {@code -p} where set,
 * named {@code fedmesh-<prefix><task>} so it can be found again by name, logging to
 * {@code <logDir>/<task>.log} and, with an output directory, writing its samples to
 * {@code $FEDMESH_OUTPUT = <outputDir>/<task>.csv}. Several tasks become one job array whose
 * script picks each element's command by {@code $SLURM_ARRAY_TASK_ID}.
 */
final class SbatchCommand {
  /** A file to write before sbatch runs. */
  record Script(Path file, String text) {}

  /**
   * One sbatch call: the directories to create first, the array script to write (none for a single
   * task) and the argv. sbatch is not idempotent, so a submission is never retried blindly.
   */
  record Submission(List<Path> directories, Optional<Script> script, List<String> argv) {}

  private final Path logDir;
  private final String partition;
  private final Path outputDir;
  private final String jobNamePrefix;

  /**
   * @param partition null or blank for Slurm's default partition
   * @param outputDir null when the tasks get no $FEDMESH_OUTPUT
   * @param jobNamePrefix makes job names unique across bursts ("" for none)
   */
  SbatchCommand(Path logDir, String partition, Path outputDir, String jobNamePrefix) {
    this.logDir = logDir;
    this.partition = partition;
    this.outputDir = outputDir;
    this.jobNamePrefix = jobNamePrefix;
  }

  /**
   * Positions of {@code tasks} that ask for the same resources (ranks, cores per rank, GPUs, time
   * limit), in order of first appearance: each group can go to Slurm as one job array.
   */
  static Collection<List<Integer>> sameShapeGroups(List<TaskNode> tasks) {
    Map<List<Integer>, List<Integer>> shapes = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskNode t = tasks.get(i);
      shapes.computeIfAbsent(List.of(t.ranks(), t.coresPerRank(), t.gpus(), t.walltimeSeconds()), k -> new ArrayList<>()).add(i);
    }
    return shapes.values();
  }

  /** The Slurm job name of a task. */
  String jobName(TaskNode task) {
    return "fedmesh-" + jobNamePrefix + task.name();
  }

  /** A job array for two or more members (same shape, see {@link #sameShapeGroups}), else an ordinary job. */
  Submission of(List<TaskNode> members) {
    return members.size() > 1 ? array(members) : single(members.get(0));
  }

  /** An ordinary job: the command runs through {@code --wrap}. */
  Submission single(TaskNode task) {
    List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable", "-J", jobName(task), "-n",
        String.valueOf(task.ranks()), "-c", String.valueOf(task.coresPerRank()), "-o",
        logDir.resolve(task.name() + ".log").toString()));
    argv.addAll(limits(task));
    if (outputDir != null) {
      argv.add("--export=ALL,FEDMESH_OUTPUT=" + outputDir.resolve(task.name() + ".csv"));
    }
    argv.addAll(List.of("--wrap", shellQuote(task.command())));
    return new Submission(directories(), Optional.empty(), argv);
  }

  /** A job array {@code --array=0-(k-1)}: the script's case on $SLURM_ARRAY_TASK_ID runs each member with its own log and output. */
  Submission array(List<TaskNode> members) {
    StringBuilder script = new StringBuilder("#!/bin/sh\n# fedmesh job array: one element per task\ncase \"$SLURM_ARRAY_TASK_ID\" in\n");
    for (int i = 0; i < members.size(); i++) {
      TaskNode t = members.get(i);
      script.append(i).append(") exec >").append(shellQuote(List.of(logDir.resolve(t.name() + ".log").toString()))).append(" 2>&1; ");
      if (outputDir != null) {
        script.append("FEDMESH_OUTPUT=").append(shellQuote(List.of(outputDir.resolve(t.name() + ".csv").toString())))
            .append("; export FEDMESH_OUTPUT; ");
      }
      script.append("exec ").append(shellQuote(t.command())).append(" ;;\n");
    }
    script.append("esac\necho \"fedmesh: no task for array index $SLURM_ARRAY_TASK_ID\" >&2\nexit 3\n");
    TaskNode first = members.get(0);
    Path file = logDir.resolve("array-" + first.name() + ".sh");
    List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable", "--array=0-" + (members.size() - 1), "-J",
        jobName(first) + "-array", "-n", String.valueOf(first.ranks()), "-c", String.valueOf(first.coresPerRank()),
        "-o", "/dev/null"));
    argv.addAll(limits(first));
    argv.add(file.toString());
    return new Submission(directories(), Optional.of(new Script(file, script.toString())), argv);
  }

  private List<Path> directories() {
    return outputDir == null ? List.of(logDir) : List.of(logDir, outputDir);
  }

  /**
   * A pilot's allocation: one node and one Slurm task holding all its cores, whose batch script
   * execs the pilot agent on {@code <pilotRoot>/$SLURM_JOB_ID} (the agent's directory is named
   * after the allocation, which only exists once sbatch answered). Logs to {@code agent-<id>.log}.
   *
   * @param timeSeconds the allocation's --time; 0 for the partition's default
   */
  Submission pilot(int cores, int gpus, int timeSeconds, Path pilotRoot, List<String> agentCommand) {
    List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable", "-J", "fedmesh-" + jobNamePrefix + "pilot", "-N", "1", "-n",
        "1", "-c", String.valueOf(cores), "-o", pilotRoot.resolve("agent-%j.log").toString()));
    argv.addAll(limits(timeSeconds, gpus));
    argv.addAll(List.of("--wrap", "exec " + shellQuote(agentCommand) + " " + shellQuote(List.of(pilotRoot.toString()))
        + "/\"$SLURM_JOB_ID\""));
    return new Submission(List.of(pilotRoot), Optional.empty(), argv);
  }

  /** --time, --gres and -p of a task, where set. */
  private List<String> limits(TaskNode task) {
    return limits(task.walltimeSeconds(), task.gpus());
  }

  private List<String> limits(int walltimeSeconds, int gpus) {
    List<String> args = new ArrayList<>();
    if (walltimeSeconds > 0) {
      int s = walltimeSeconds;
      args.add(String.format(Locale.ROOT, "--time=%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60));
    }
    if (gpus > 0) {
      args.add("--gres=gpu:" + gpus);
    }
    if (partition != null && !partition.isBlank()) {
      args.addAll(List.of("-p", partition));
    }
    return args;
  }

  /**
   * argv as one POSIX shell word list, each word single-quoted. Slurm runs a batch script (ours or
   * --wrap's) through /bin/sh, so the argv must cross one shell; inside single quotes no character
   * is special, and a quote itself is closed, escaped and reopened ('\\''), so every element
   * (allowlisted executable and checked parameter values, which hold no control characters) reaches
   * exec as exactly one literal word. This keeps sbatch's own features (job arrays, --export) with
   * one small, tested quoting rule, where passing argv through an srun wrapper would need a second
   * encoding of the same words.
   */
  static String shellQuote(List<String> argv) {
    return argv.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }
}
