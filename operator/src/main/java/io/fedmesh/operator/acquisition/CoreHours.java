package io.fedmesh.operator.acquisition;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;

/** What a burst reserves: every task's ranks for its whole walltime, as a scheduler charges at most. */
public final class CoreHours {
  private CoreHours() {}

  public static double reserved(SimulationBurstSpec s) {
    int tasks = s.tasks == null ? 0 : s.tasks;
    int ranks = s.ranksPerTask == null ? 1 : s.ranksPerTask;
    int walltime = s.walltimeSeconds == null ? 600 : s.walltimeSeconds;
    return (double) tasks * ranks * walltime / 3600.0;
  }

  /** Whether a burst reserving {@code next} still fits {@code budget} (null: no limit) after {@code spent}. */
  public static boolean fits(Double budget, double spent, double next) {
    return budget == null || spent + next <= budget + 1e-9;
  }
}
