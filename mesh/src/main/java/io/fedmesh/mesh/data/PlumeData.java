package io.fedmesh.mesh.data;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
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

  /** The plume model's hidden layers (tanh): a sharp plume over 11 scaled inputs. */
  public static final List<Integer> HIDDEN = List.of(64, 64, 64);

  /** Sites only observed sources in this band of sourceY. */
  static final double[] SITE_SOURCE_Y = {0.45, 0.55};

  private final long seed;
  private final int grid;

  public PlumeData(long seed) {
    this(seed, GRID);
  }

  /** Readings computed on a {@code grid} x {@code grid} solver (bench adaptive: a finer grid, so a task's cost is measurable). */
  public PlumeData(long seed, int grid) {
    if (grid < 8) {
      throw new IllegalArgumentException("the plume's grid must be at least 8 points per side (got " + grid + ")");
    }
    this.seed = seed;
    this.grid = grid;
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

  /**
   * The model's fixed scaling for this problem (DistributedModel spec.scaling): each swept
   * parameter centred on its range and divided by a uniform draw's standard deviation (range /
   * sqrt 12), the sensor position and time likewise over the unit square and the duration, the
   * fixed parameters only centred; the label by the mean and standard deviation of {@code
   * labels} (readings as the sites see them, see {@link #siteLabels}). Without it the inputs span three orders of magnitude and the
   * label's spread is 0.1, and the MLP learns about a tenth of the variance.
   */
  public static DistributedModelSpec.Scaling scaling(float[] labels) {
    DistributedModelSpec.Scaling s = new DistributedModelSpec.Scaling();
    s.inputOffset = new ArrayList<>();
    s.inputScale = new ArrayList<>();
    Map<String, double[]> ranges = new LinkedHashMap<>(SWEEP);
    for (ReferenceSimulation.Range r : ReferenceSimulation.RANGES) {
      ranges.putIfAbsent(r.name(), new double[] {r.defaultValue(), r.defaultValue()});
    }
    double duration = ReferenceSimulation.range("duration").orElseThrow().defaultValue();
    ranges.put("x", new double[] {0, 1});
    ranges.put("y", new double[] {0, 1});
    ranges.put("t", new double[] {0, duration});
    List<String> names = new ArrayList<>(ReferenceSimulation.names());
    names.addAll(ReferenceSimulation.SENSOR_FEATURES);
    for (String name : names) {
      double[] r = ranges.get(name);
      double spread = (r[1] - r[0]) / Math.sqrt(12);
      s.inputOffset.add((r[0] + r[1]) / 2);
      s.inputScale.add(spread > 0 ? spread : 1.0);
    }
    double mean = 0;
    for (float v : labels) {
      mean += v;
    }
    mean /= Math.max(1, labels.length);
    double var = io.fedmesh.common.data.LabelStats.variance(labels);
    s.outputOffset = mean;
    s.outputScale = var > 0 ? Math.sqrt(var) : 1.0;
    return s;
  }

  /** The labels of {@code perSite} readings at each of {@code sites} sites, drawn as {@link #site} draws them (another stream). */
  public float[] siteLabels(int sites, int perSite) {
    float[] out = new float[sites * perSite];
    for (int i = 0; i < sites; i++) {
      Dataset d = new PlumeData(seed ^ 0x5CA1EL, grid).site(i, sites, perSite, "scale");
      System.arraycopy(d.y(), 0, out, i * perSite, perSite);
    }
    return out;
  }

  /** Held out: the whole parameter range. */
  public Dataset test(int samples, String name) {
    return runs(SWEEP, samples, new Random(seed * 31 + 9999), name);
  }

  /**
   * One simulation task at {@code point} (the swept parameters; the rest at their defaults), as
   * the bridge's built-in application runs it on this grid: {@code samples} sensor readings in
   * the plume's columns.
   */
  public static Dataset task(Map<String, Double> point, int samples, long seed, String name) {
    return task(point, samples, seed, name, GRID);
  }

  /** {@link #task(Map, int, long, String)} on a {@code grid} x {@code grid} solver. */
  public static Dataset task(Map<String, Double> point, int samples, long seed, String name, int grid) {
    List<String> names = new ArrayList<>(ReferenceSimulation.names());
    names.addAll(ReferenceSimulation.SENSOR_FEATURES);
    int features = names.size();
    SimulationParameters p = SimulationParameters.of(point);
    float[] x = new float[samples * features];
    float[] y = new float[samples];
    try (SingleRankHalo halo = new SingleRankHalo()) {
      AdvectionDiffusionSolver solver = new AdvectionDiffusionSolver(p, grid, p.minimumStableSteps(grid), Boundary.OPEN, halo);
      AdvectionDiffusionSolver.Samples s = solver.run(new CpuStencilKernel(), samples, seed);
      s.writeRows(p.values(), x, y, 0);
    }
    return new Dataset(Path.of(name), names, samples, features, x, y, 0);
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
        AdvectionDiffusionSolver solver = new AdvectionDiffusionSolver(p, grid, p.minimumStableSteps(grid), Boundary.OPEN, halo);
        AdvectionDiffusionSolver.Samples s = solver.run(new CpuStencilKernel(), n, random.nextLong());
        s.writeRows(p.values(), x, y, done);
        done += n;
      }
    }
    return new Dataset(Path.of(name), names, samples, features, x, y, 0);
  }
}
