package io.fedmesh.hpc.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Turns a parameter sweep (name, min, max per parameter) and a task count into one parameter map per
 * task. Each parameter takes {@code tasks} evenly spaced values from min to max, every value once,
 * and the values are paired across parameters in Latin-hypercube order: the first parameter in
 * order, each further one in a fixed pseudo-random permutation. The same input always gives the same plan.
 */
public final class SweepPlanner {
  private static final long SEED = 0x5EEDL;

  /** One swept parameter; min == max holds it fixed. */
  public record SweepRange(String name, double min, double max) {}

  private SweepPlanner() {}

  public static List<Map<String, Double>> plan(List<SweepRange> ranges, int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("tasks=" + tasks + ": a sweep needs at least 1 task");
    }
    Set<String> seen = new HashSet<>();
    for (int d = 0; d < ranges.size(); d++) {
      SweepRange r = ranges.get(d);
      String where = "sweep[" + d + "]";
      if (r.name() == null || r.name().isBlank()) {
        throw new IllegalArgumentException(where + ".name is empty: name the parameter to sweep");
      }
      if (!seen.add(r.name())) {
        throw new IllegalArgumentException(where + ".name '" + r.name() + "' is swept twice: list each parameter once");
      }
      if (!Double.isFinite(r.min()) || !Double.isFinite(r.max()) || r.min() > r.max()) {
        throw new IllegalArgumentException(where + " (" + r.name() + "): min=" + r.min() + " and max=" + r.max()
            + " must be finite with min <= max");
      }
    }
    List<int[]> orders = new ArrayList<>();
    for (int d = 0; d < ranges.size(); d++) {
      int[] order = new int[tasks];
      for (int i = 0; i < tasks; i++) {
        order[i] = i;
      }
      if (d > 0) {
        Random random = new Random(SEED + d);
        for (int i = tasks - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      orders.add(order);
    }
    List<Map<String, Double>> plan = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      Map<String, Double> p = new LinkedHashMap<>();
      for (int d = 0; d < ranges.size(); d++) {
        SweepRange r = ranges.get(d);
        int level = orders.get(d)[i];
        p.put(r.name(), value(r, level, tasks));
      }
      plan.add(p);
    }
    return plan;
  }

  /** The level-th of {@code tasks} evenly spaced values; the ends are min and max exactly. */
  private static double value(SweepRange r, int level, int tasks) {
    if (tasks == 1) {
      return r.min() + (r.max() - r.min()) / 2;
    }
    return level == tasks - 1 ? r.max() : r.min() + (r.max() - r.min()) * level / (tasks - 1);
  }
}
