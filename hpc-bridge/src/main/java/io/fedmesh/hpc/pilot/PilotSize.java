package io.fedmesh.hpc.pilot;

import io.fedmesh.hpc.engine.TaskGraph;
import io.fedmesh.hpc.engine.TaskNode;
import java.util.HashMap;
import java.util.Map;

/**
 * What a burst's pilot asks Slurm for: as many cores as the bridge lets the burst use (no more
 * than its tasks can fill, no fewer than its widest task), the most GPUs any task needs, and a time
 * limit that no schedule of the burst can exceed even if every task ran to its walltime: a list
 * schedule ends within (work / cores) + critical path (Graham's bound), plus a minute for the
 * agent to start. No time limit (the partition's) when a task has none.
 */
public record PilotSize(int cores, int gpus, int timeSeconds) {
  static final int AGENT_START_SECONDS = 60;
  static final int MAX_SECONDS = 7 * 24 * 3600;

  public static PilotSize of(TaskGraph graph, int slots) {
    int widest = 0;
    long allCores = 0;
    int gpus = 0;
    boolean unlimited = false;
    double work = 0;
    for (TaskNode t : graph.tasks()) {
      widest = Math.max(widest, t.cores());
      allCores += t.cores();
      gpus = Math.max(gpus, t.gpus());
      unlimited |= t.walltimeSeconds() == 0;
      work += (double) t.cores() * t.walltimeSeconds();
    }
    int cores = (int) Math.max(widest, Math.min(slots, allCores));
    if (unlimited) {
      return new PilotSize(cores, gpus, 0);
    }
    double bound = work / cores + longestWalltimeChain(graph) + AGENT_START_SECONDS;
    return new PilotSize(cores, gpus, (int) Math.min(MAX_SECONDS, Math.ceil(bound)));
  }

  private static double longestWalltimeChain(TaskGraph graph) {
    Map<String, Double> finish = new HashMap<>();
    double longest = 0;
    for (TaskNode t : graph.topologicalOrder()) {
      double start = t.dependsOn().stream().mapToDouble(finish::get).max().orElse(0);
      finish.put(t.name(), start + t.walltimeSeconds());
      longest = Math.max(longest, start + t.walltimeSeconds());
    }
    return longest;
  }
}
