package io.fedmesh.operator.acquisition;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.sim.ReferenceSimulation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which regions a guided burst goes to: the {@code k} best by score, or by score per expected
 * core-second when cost-aware (expected error reduction bought per unit of simulation). A
 * task's expected cost is the built-in solver's cell updates at the region's centre; an
 * application the operator cannot cost makes every region cost the same.
 */
final class RegionRanking {
  /** The chosen regions, best first, their ranking values, and the best value among the rest (NaN: none). */
  record Ranked(List<Integer> chosen, double[] values, double runnerUp) {}

  private RegionRanking() {}

  /** Per region, the expected cost of one task there relative to the cheapest region (1 = cheapest); all 1 when unknown. */
  static double[] relativeCosts(Regions regions, SimulationBurstSpec template) {
    double[] out = new double[regions.all().size()];
    boolean builtIn = template.application == null
        || template.application.type == SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION;
    if (!builtIn) {
      java.util.Arrays.fill(out, 1.0);
      return out;
    }
    int grid = template.application.grid == null ? 64 : template.application.grid;
    int steps = template.application.steps == null ? 200 : template.application.steps;
    double cheapest = Double.POSITIVE_INFINITY;
    for (Regions.Region r : regions.all()) {
      Map<String, Double> centre = new HashMap<>();
      r.bounds().forEach((name, b) -> centre.put(name, (b[0] + b[1]) / 2));
      centre.keySet().removeIf(name -> ReferenceSimulation.range(name).isEmpty());
      out[r.index()] = ReferenceSimulation.cellUpdates(centre, grid, steps);
      cheapest = Math.min(cheapest, out[r.index()]);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= cheapest;
    }
    return out;
  }

  /** The {@code k} regions with the highest score (divided by {@code costs} when given); NaN scores are never chosen. */
  static Ranked top(double[] scores, double[] costs, int k) {
    double[] values = new double[scores.length];
    List<Integer> scored = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      values[i] = costs == null ? scores[i] : scores[i] / costs[i];
      if (!Double.isNaN(values[i])) {
        scored.add(i);
      }
    }
    // ties go to the lower index, so a placement is the same on every run
    scored.sort(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
    List<Integer> chosen = List.copyOf(scored.subList(0, Math.min(k, scored.size())));
    double runnerUp = scored.size() > chosen.size() ? values[scored.get(chosen.size())] : Double.NaN;
    return new Ranked(chosen, values, runnerUp);
  }
}
