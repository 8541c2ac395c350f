package io.fedmesh.operator.hpc;

import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.proto.hpc.v1.Execution;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.SimulationParams;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Turns a SimulationBurst into the bridge's request. Each swept parameter takes evenly spaced
 * values in [min, max], shuffled per parameter with a seed from the burst's name (a Latin-hypercube design: every
 * parameter covers its whole range exactly once across the tasks). For type advection-diffusion a
 * task names no application: the bridge runs its built-in reference simulation with the task's
 * point and the grid, steps and samples of spec.application. For type application a task names
 * spec.application.name, whose argument template the bridge fills from spec.application.params
 * (application_options), the task's point and its own {taskIndex}, {output}. No request carries a
 * command line: the bridge runs only what its admin allowlists.
 */
public final class BurstRequests {
  private BurstRequests() {}

  public static SubmitBurstRequest of(SimulationBurst burst, String partition, String account) {
    SimulationBurstSpec s = burst.getSpec();
    int n = s.tasks;
    long design = (burst.getMetadata().getNamespace() + "/" + burst.getMetadata().getName()).hashCode() * 0x9E3779B97F4A7C15L;
    List<SimulationParams> points = s.regions == null || s.regions.isEmpty() ? design(s.sweep, n, design)
        : spread(s, n, design);
    SubmitBurstRequest.Builder b = SubmitBurstRequest.newBuilder()
        .setBurstUid(burst.getMetadata().getUid())
        .setBurstName(burst.getMetadata().getNamespace() + "/" + burst.getMetadata().getName())
        .setMode(s.mode == SimulationBurstSpec.Mode.BARRIER ? ExecutionMode.EXECUTION_MODE_BARRIER : ExecutionMode.EXECUTION_MODE_ASYNC)
        .setExecution(s.execution == SimulationBurstSpec.Execution.PILOT ? Execution.EXECUTION_PILOT : Execution.EXECUTION_BATCH);
    if (partition != null) {
      b.setPartition(partition);
    }
    if (account != null) {
      b.setAccount(account);
    }
    if (s.application.type == SimulationBurstSpec.Application.Type.COMMAND) {
      throw new IllegalArgumentException("spec.application.type command is no longer run (see SimulationBurstReconciler.validate)");
    }
    boolean builtIn = s.application.type != SimulationBurstSpec.Application.Type.APPLICATION;
    if (builtIn) {
      b.putApplicationOptions("grid", String.valueOf(s.application.grid == null ? 64 : s.application.grid));
      b.putApplicationOptions("steps", String.valueOf(s.application.steps == null ? 200 : s.application.steps));
      b.putApplicationOptions("samples", String.valueOf(s.application.samplesPerTask == null ? 64 : s.application.samplesPerTask));
    } else if (s.application.params != null) {
      b.putAllApplicationOptions(s.application.params);
    }
    for (int i = 0; i < n; i++) {
      b.addTasks(TaskSpec.newBuilder()
          .setName(String.format("sim-%04d", i))
          .setKind("simulate")
          .setStage(0)
          .setRanks(s.ranksPerTask == null ? 1 : s.ranksPerTask)
          .setCpusPerRank(1)
          .setGpus(s.gpusPerTask == null ? 0 : s.gpusPerTask)
          .setWalltimeSeconds(s.walltimeSeconds == null ? 600 : s.walltimeSeconds)
          .setParams(points.get(i))
          .setApplication(builtIn ? "" : s.application.name));
    }
    return b.build();
  }

  /**
   * A Latin-hypercube design of {@code n} points over {@code sweep}: each parameter takes evenly spaced values in [min, max],
   * shuffled per parameter with a seed from the burst's name, so the same burst always gets the same points (a restarted
   * operator resubmits them) while a training's next burst over the same sweep samples new ones instead of repeating them.
   */
  static List<SimulationParams> design(List<SimulationBurstSpec.SweepParameter> sweep, int n, long seed) {
    List<List<Integer>> orders = new ArrayList<>();
    for (int j = 0; j < sweep.size(); j++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(seed + j + 1L));
      orders.add(order);
    }
    List<SimulationParams> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SimulationParams.Builder params = SimulationParams.newBuilder();
      for (int j = 0; j < sweep.size(); j++) {
        SimulationBurstSpec.SweepParameter p = sweep.get(j);
        params.putValues(p.name, p.min + (p.max - p.min) * (orders.get(j).get(i) + 0.5) / n);
      }
      out.add(params.build());
    }
    return out;
  }

  /** spec.regions: task i in box i mod k, each box's tasks a design of their own over its bounds (the sweep's where it names none). */
  private static List<SimulationParams> spread(SimulationBurstSpec s, int n, long seed) {
    int k = s.regions.size();
    List<List<SimulationParams>> perBox = new ArrayList<>();
    for (int r = 0; r < k; r++) {
      Map<String, SimulationBurstSpec.SweepParameter> named = new HashMap<>();
      s.regions.get(r).bounds.forEach(p -> named.put(p.name, p));
      List<SimulationBurstSpec.SweepParameter> box = s.sweep.stream().map(p -> named.getOrDefault(p.name, p)).toList();
      int tasks = n / k + (r < n % k ? 1 : 0);
      perBox.add(design(box, tasks, seed + 1000003L * (r + 1)));
    }
    List<SimulationParams> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(perBox.get(i % k).get(i / k));
    }
    return out;
  }
}
