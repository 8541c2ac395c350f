package io.fedmesh.operator.hpc;

import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.proto.hpc.v1.ExecutionMode;
import io.fedmesh.proto.hpc.v1.SimulationParams;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Turns a SimulationBurst into the bridge's request. Each swept parameter takes evenly spaced
 * values in [min, max], shuffled per parameter with a fixed seed (a Latin-hypercube design: every
 * parameter covers its whole range exactly once across the tasks). For type advection-diffusion a
 * task carries no command: the bridge runs its built-in reference simulation with the task's point
 * and the grid, steps and samples of spec.application. For type command a task sees its point as
 * environment variables FEDMESH_PARAM_<NAME>, its index as FEDMESH_TASK_INDEX, and writes its
 * samples to $FEDMESH_OUTPUT.
 */
public final class BurstRequests {
  private BurstRequests() {}

  public static SubmitBurstRequest of(SimulationBurst burst, String partition, String account) {
    SimulationBurstSpec s = burst.getSpec();
    int n = s.tasks;
    List<List<Integer>> orders = new ArrayList<>();
    for (int j = 0; j < s.sweep.size(); j++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(j + 1L));
      orders.add(order);
    }
    SubmitBurstRequest.Builder b = SubmitBurstRequest.newBuilder()
        .setBurstUid(burst.getMetadata().getUid())
        .setBurstName(burst.getMetadata().getNamespace() + "/" + burst.getMetadata().getName())
        .setMode(s.mode == SimulationBurstSpec.Mode.BARRIER ? ExecutionMode.EXECUTION_MODE_BARRIER : ExecutionMode.EXECUTION_MODE_ASYNC);
    if (partition != null) {
      b.setPartition(partition);
    }
    if (account != null) {
      b.setAccount(account);
    }
    boolean builtIn = s.application.type != SimulationBurstSpec.Application.Type.COMMAND;
    if (builtIn) {
      b.putApplicationOptions("grid", String.valueOf(s.application.grid == null ? 64 : s.application.grid));
      b.putApplicationOptions("steps", String.valueOf(s.application.steps == null ? 200 : s.application.steps));
      b.putApplicationOptions("samples", String.valueOf(s.application.samplesPerTask == null ? 64 : s.application.samplesPerTask));
    }
    for (int i = 0; i < n; i++) {
      SimulationParams.Builder params = SimulationParams.newBuilder();
      StringBuilder env = new StringBuilder("export FEDMESH_TASK_INDEX=" + i + "; ");
      for (int j = 0; j < s.sweep.size(); j++) {
        SimulationBurstSpec.SweepParameter p = s.sweep.get(j);
        double v = p.min + (p.max - p.min) * (orders.get(j).get(i) + 0.5) / n;
        params.putValues(p.name, v);
        env.append("export FEDMESH_PARAM_").append(p.name.toUpperCase(Locale.ROOT)).append('=')
            .append(String.format(Locale.ROOT, "%.6g", v)).append("; ");
      }
      b.addTasks(TaskSpec.newBuilder()
          .setName(String.format("sim-%04d", i))
          .setKind("simulate")
          .setStage(0)
          .setRanks(s.ranksPerTask == null ? 1 : s.ranksPerTask)
          .setCpusPerRank(1)
          .setGpus(s.gpusPerTask == null ? 0 : s.gpusPerTask)
          .setWalltimeSeconds(s.walltimeSeconds == null ? 600 : s.walltimeSeconds)
          .setParams(params)
          .setCommand(builtIn ? "" : env + s.application.command));
    }
    return b.build();
  }
}
