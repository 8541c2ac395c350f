package io.fedmesh.hpc.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A burst's tasks and their dependencies, checked once (unique names, known dependencies, no
 * cycles, dependencies only on earlier stages) with errors that name the task. Also predicts the
 * makespan from the estimates: a schedule can never beat the critical path nor the total work
 * spread over every core, so max(critical path, work / cores) is the bound, per stage in barrier
 * mode and over the whole graph in async mode.
 */
public final class TaskGraph {
  private final Map<String, TaskNode> tasks = new LinkedHashMap<>();

  public TaskGraph(List<TaskNode> nodes) {
    for (TaskNode t : nodes) {
      if (tasks.put(t.name(), t) != null) {
        throw new IllegalArgumentException("task name " + t.name() + " is used twice");
      }
    }
    for (TaskNode t : nodes) {
      for (String d : t.dependsOn()) {
        TaskNode dep = tasks.get(d);
        if (dep == null) {
          throw new IllegalArgumentException("task " + t.name() + " depends on unknown task " + d);
        }
        if (dep.stage() > t.stage()) {
          throw new IllegalArgumentException("task " + t.name() + " (stage " + t.stage() + ") depends on " + d + " of a later stage "
              + dep.stage());
        }
      }
    }
    topologicalOrder();
  }

  public List<TaskNode> tasks() {
    return List.copyOf(tasks.values());
  }

  public TaskNode get(String name) {
    return tasks.get(name);
  }

  /**
   * Tasks in an order where every task follows its dependencies; throws on a cycle. A depth-first
   * walk with its own stack: a request's dependency chain (10,000 tasks fit in one message) must not
   * need one thread-stack frame per task.
   */
  public List<TaskNode> topologicalOrder() {
    Map<String, Integer> state = new HashMap<>(); // 1: on the current path, 2: ordered
    List<TaskNode> order = new ArrayList<>();
    for (TaskNode root : tasks.values()) {
      if (state.containsKey(root.name())) {
        continue;
      }
      List<TaskNode> path = new ArrayList<>(List.of(root));
      List<Integer> next = new ArrayList<>(List.of(0)); // per path entry: its next dependency to visit
      state.put(root.name(), 1);
      while (!path.isEmpty()) {
        int top = path.size() - 1;
        TaskNode t = path.get(top);
        int i = next.get(top);
        if (i == t.dependsOn().size()) {
          state.put(t.name(), 2);
          order.add(t);
          path.remove(top);
          next.remove(top);
          continue;
        }
        next.set(top, i + 1);
        TaskNode d = tasks.get(t.dependsOn().get(i));
        Integer s = state.get(d.name());
        if (s == null) {
          state.put(d.name(), 1);
          path.add(d);
          next.add(0);
        } else if (s == 1) {
          List<String> cycle = new ArrayList<>(path.stream().map(TaskNode::name).toList());
          cycle.add(d.name());
          throw new IllegalArgumentException("tasks form a cycle: " + String.join(" -> ", cycle));
        }
      }
    }
    return order;
  }

  /**
   * Upward rank of each task: its estimate plus the longest chain of estimates after it. Starting
   * the largest rank first (critical path first, as list schedulers like HEFT do) keeps long chains
   * from starting late.
   */
  public Map<String, Double> upwardRanks() {
    Map<String, List<String>> dependents = new HashMap<>();
    tasks.values().forEach(t -> t.dependsOn().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t.name())));
    Map<String, Double> rank = new HashMap<>();
    List<TaskNode> order = topologicalOrder();
    for (int i = order.size() - 1; i >= 0; i--) {
      TaskNode t = order.get(i);
      double after = 0;
      for (String d : dependents.getOrDefault(t.name(), List.of())) {
        after = Math.max(after, rank.get(d));
      }
      rank.put(t.name(), t.estimatedSeconds() + after);
    }
    return rank;
  }

  /** Longest chain of estimated durations through the dependencies. */
  public double criticalPathSeconds() {
    return criticalPath(tasks());
  }

  /** Σ cores × estimated seconds. */
  public double workCoreSeconds() {
    return tasks.values().stream().mapToDouble(t -> t.cores() * t.estimatedSeconds()).sum();
  }

  public double predictedMakespan(ExecutionMode mode, int cores) {
    if (mode == ExecutionMode.ASYNC) {
      return Math.max(criticalPathSeconds(), workCoreSeconds() / cores);
    }
    Map<Integer, List<TaskNode>> stages = new TreeMap<>();
    tasks.values().forEach(t -> stages.computeIfAbsent(t.stage(), k -> new ArrayList<>()).add(t));
    double total = 0;
    for (List<TaskNode> stage : stages.values()) {
      double work = stage.stream().mapToDouble(t -> t.cores() * t.estimatedSeconds()).sum();
      total += Math.max(criticalPath(stage), work / cores);
    }
    return total;
  }

  private double criticalPath(List<TaskNode> subset) {
    Map<String, Double> finish = new HashMap<>();
    java.util.Set<String> names = new java.util.HashSet<>(subset.stream().map(TaskNode::name).toList());
    double longest = 0;
    for (TaskNode t : topologicalOrder()) {
      if (!names.contains(t.name())) {
        continue;
      }
      double start = 0;
      for (String d : t.dependsOn()) {
        start = Math.max(start, finish.getOrDefault(d, 0.0));
      }
      double end = start + t.estimatedSeconds();
      finish.put(t.name(), end);
      longest = Math.max(longest, end);
    }
    return longest;
  }
}
