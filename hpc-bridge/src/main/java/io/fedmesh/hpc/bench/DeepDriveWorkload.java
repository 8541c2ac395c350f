package io.fedmesh.hpc.bench;

import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A heterogeneous task graph shaped like one DeepDriveMD iteration: simulations of mixed length,
 * one aggregation per simulation, two training tasks (2 cores, different costs) each over half of
 * the aggregated data, and an inference task that needs both models. In barrier mode every stage
 * waits for its slowest task; asynchronously the short half's pipeline runs under the straggler. Each task is a process that sleeps its
 * duration, so the benchmark measures scheduling, not CPU contention on a small machine.
 */
public final class DeepDriveWorkload {
  /** Simulation durations in seconds: uneven, as real ensembles are (one straggler). */
  static final double[] SIMULATIONS = {5, 1, 1, 1, 1, 2, 1, 1};
  static final double AGGREGATE = 0.5;
  /** The two surrogates cost differently (different data regimes): the long one is not behind the straggler. */
  static final double[] TRAIN = {2, 4};
  static final double INFER = 1;

  private DeepDriveWorkload() {}

  public static TaskGraph graph(double timeScale) {
    List<TaskNode> tasks = new ArrayList<>();
    List<String> half0 = new ArrayList<>();
    List<String> half1 = new ArrayList<>();
    for (int i = 0; i < SIMULATIONS.length; i++) {
      tasks.add(task("simulate-" + i, "simulate", 0, List.of(), 1, SIMULATIONS[i] * timeScale));
      tasks.add(task("aggregate-" + i, "aggregate", 1, List.of("simulate-" + i), 1, AGGREGATE * timeScale));
      (i < SIMULATIONS.length / 2 ? half0 : half1).add("aggregate-" + i);
    }
    tasks.add(task("train-0", "train", 2, half0, 2, TRAIN[0] * timeScale));
    tasks.add(task("train-1", "train", 2, half1, 2, TRAIN[1] * timeScale));
    tasks.add(task("infer", "infer", 3, List.of("train-0", "train-1"), 1, INFER * timeScale));
    return new TaskGraph(tasks);
  }

  static TaskNode task(String name, String kind, int stage, List<String> deps, int cores, double seconds) {
    return new TaskNode(name, kind, stage, deps, cores, seconds, List.of("sleep", String.format(Locale.ROOT, "%.3f", seconds)));
  }
}
