package io.fedmesh.mesh.data;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.sim.ReferenceSimulation;
import io.fedmesh.hpc.sim.AdvectionDiffusionSolver;
import io.fedmesh.hpc.sim.Boundary;
import io.fedmesh.hpc.sim.CpuStencilKernel;
import io.fedmesh.hpc.sim.SimulationParameters;
import io.fedmesh.hpc.sim.SingleRankHalo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The local mesh's plume problem (`--problem plume`): sensors at the edge sites read a pollutant
 * plume, computed by the same reference advection-diffusion solver the hpc-bridge runs (here in
 * process, one rank, CPU). Each site saw only its own weather (a slice of the wind range) and only
 * sources near the middle of the domain; the held-out test and the SimulationBurst's sweep cover the
 * whole range, so simulation output teaches the model what no site observed. Regression:
 * the CSV columns are the simulation's parameters, x, y, t and the concentration (label).
 */
public final class PlumeData {
  /** Grid of the in-process runs and of the local burst's tasks. */
  public static final int GRID = 32;
  public static final int SAMPLES_PER_RUN = 25;

  /** The swept parameters and their full ranges (test set and burst). */
  public static final Map<String, double[]> SWEEP = sweep();

  /** Sites only observed sources in this band of sourceY. */
  static final double[] SITE_SOURCE_Y = {0.45, 0.55};

  private final long seed;

  public PlumeData(long seed) {
    this.seed = seed;
  }

  private static Map<String, double[]> sweep() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("windX", new double[] {-1.0, 1.0});
    m.put("windY", new double[] {-0.5, 0.5});
    m.put("sourceX", new double[] {0.25, 0.75});
    m.put("sourceY", new double[] {0.2, 0.8});
    m.put("diffusivity", new double[] {0.005, 0.03});
    return m;
  }

  /** Site {@code i} of {@code sites}: its slice of windX, sources near the middle. */
  public Dataset site(int i, int sites, int samples, String name) {
    double[] wind = SWEEP.get("windX");
    double w = (wind[1] - wind[0]) / sites;
    Map<String, double[]> ranges = new LinkedHashMap<>(SWEEP);
    ranges.put("windX", new double[] {wind[0] + i * w, wind[0] + (i + 1) * w});
    ranges.put("sourceY", SITE_SOURCE_Y);
    return runs(ranges, samples, new Random(seed * 31 + i), name);
  }

  /** Held out: the whole parameter range. */
  public Dataset test(int samples, String name) {
    return runs(SWEEP, samples, new Random(seed * 31 + 9999), name);
  }

  private Dataset runs(Map<String, double[]> ranges, int samples, Random random, String name) {
    List<String> names = new ArrayList<>(ReferenceSimulation.names());
    names.addAll(ReferenceSimulation.SENSOR_FEATURES);
    int features = names.size();
    float[] x = new float[samples * features];
    float[] y = new float[samples];
    int done = 0;
    try (SingleRankHalo halo = new SingleRankHalo()) {
      while (done < samples) {
        Map<String, Double> point = new LinkedHashMap<>();
        ranges.forEach((k, r) -> point.put(k, r[0] + (r[1] - r[0]) * random.nextDouble()));
        SimulationParameters p = SimulationParameters.of(point);
        int n = Math.min(SAMPLES_PER_RUN, samples - done);
        AdvectionDiffusionSolver solver = new AdvectionDiffusionSolver(p, GRID, p.minimumStableSteps(GRID), Boundary.OPEN, halo);
        AdvectionDiffusionSolver.Samples s = solver.run(new CpuStencilKernel(), n, random.nextLong());
        double[] pv = p.values();
        for (int i = 0; i < n; i++) {
          int o = (done + i) * features;
          for (int f = 0; f < pv.length; f++) {
            x[o + f] = (float) pv[f];
          }
          x[o + pv.length] = s.x()[i];
          x[o + pv.length + 1] = s.y()[i];
          x[o + pv.length + 2] = s.t()[i];
          y[done + i] = (float) s.concentration()[i];
        }
        done += n;
      }
    }
    return new Dataset(Path.of(name), names, samples, features, x, y, 0);
  }
}
