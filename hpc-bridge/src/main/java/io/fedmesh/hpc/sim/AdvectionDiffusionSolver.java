package io.fedmesh.hpc.sim;

import java.util.Random;

/**
 * Runs one task: the unit square on an N x N cell-centred grid split into row strips across the
 * ranks of a {@link Halo}, explicit steps of a {@link StencilKernel} with a halo exchange before
 * each, and sensor readings at evenly spaced snapshot times summed onto rank 0.
 */
public final class AdvectionDiffusionSolver {
  /** How many snapshot times the samples are spread over (fewer when there are fewer steps). */
  static final int SNAPSHOTS = 10;

  private final SimulationParameters params;
  private final int grid;
  private final int steps;
  private final double dt;
  private final Boundary boundary;
  private final Halo halo;
  private final RowStrip strip;

  /** Checks every setting up front (grid, steps, stability, rows per rank), before any memory is taken. */
  public AdvectionDiffusionSolver(SimulationParameters params, int grid, int steps, Boundary boundary, Halo halo) {
    if (grid < 4 || grid > 8192) {
      throw new SimulationParameterException("grid", "grid=" + grid + " is out of range: grid must be in [4, 8192]");
    }
    if (steps < 1) {
      throw new SimulationParameterException("steps", "steps=" + steps + " is out of range: steps must be >= 1");
    }
    this.params = params;
    this.grid = grid;
    this.steps = steps;
    this.dt = params.stableDt(grid, steps);
    this.boundary = boundary;
    this.halo = halo;
    this.strip = RowStrip.of(grid, halo.rank(), halo.size());
  }

  public double dt() {
    return dt;
  }

  /** One sensor reading: where, when, and the concentration there (meaningful on rank 0 only). */
  public record Samples(float[] x, float[] y, float[] t, double[] concentration, double finalMass) {
    /**
     * The readings as training rows: the run's parameters, then the sensor's x, y and t, one row
     * of {@code parameters.length + 3} features per reading from row {@code firstRow} on; the
     * concentration is the label.
     */
    public void writeRows(double[] parameters, float[] features, float[] labels, int firstRow) {
      int width = parameters.length + 3;
      for (int i = 0; i < concentration.length; i++) {
        int o = (firstRow + i) * width;
        for (int f = 0; f < parameters.length; f++) {
          features[o + f] = (float) parameters[f];
        }
        features[o + parameters.length] = x[i];
        features[o + parameters.length + 1] = y[i];
        features[o + parameters.length + 2] = t[i];
        labels[firstRow + i] = (float) concentration[i];
      }
    }
  }

  /** Refuses a sample count below one. */
  public static void checkSamples(int samples) {
    if (samples < 1) {
      throw new SimulationParameterException("samples", "samples=" + samples + " is out of range: samples must be >= 1");
    }
  }

  /** Steps to the end on {@code kernel}, reading {@code samples} sensors chosen from {@code seed} (the same on every rank). */
  public Samples run(StencilKernel kernel, int samples, long seed) {
    checkSamples(samples);
    float dx = 1f / grid;
    float[] source = new float[strip.count() * grid];
    for (int r = 0; r < strip.count(); r++) {
      double y = (strip.first() + r + 0.5) * dx;
      for (int j = 0; j < grid; j++) {
        source[r * grid + j] = (float) params.source((j + 0.5) * dx, y);
      }
    }
    StencilCoefficients k = new StencilCoefficients((float) params.windX(), (float) params.windY(),
        (float) params.diffusivity(), (float) dt, dx, boundary);

    int snapshots = Math.min(SNAPSHOTS, steps);
    int[] snapshotStep = new int[snapshots];
    for (int m = 0; m < snapshots; m++) {
      snapshotStep[m] = (int) ((long) steps * (m + 1) / snapshots);
    }
    // every rank draws the same sensors; each reads those in its rows, and the sum lands on rank 0
    Random random = new Random(seed);
    int[] sensorSnapshot = new int[samples];
    int[] col = new int[samples];
    int[] row = new int[samples];
    float[] xs = new float[samples];
    float[] ys = new float[samples];
    float[] ts = new float[samples];
    for (int i = 0; i < samples; i++) {
      sensorSnapshot[i] = i % snapshots;
      col[i] = random.nextInt(grid);
      row[i] = random.nextInt(grid);
      xs[i] = (col[i] + 0.5f) * dx;
      ys[i] = (row[i] + 0.5f) * dx;
      ts[i] = (float) (snapshotStep[sensorSnapshot[i]] * dt);
    }
    double[] values = new double[samples + 1];
    float[] firstRow = new float[grid];
    float[] lastRow = new float[grid];
    float[] below = new float[grid];
    float[] above = new float[grid];
    float[] local = new float[strip.count() * grid];
    try (StencilStrip s = kernel.allocate(strip.count(), grid, k, source, halo.rank() == 0,
        halo.rank() == halo.size() - 1)) {
      int m = 0;
      for (int step = 1; step <= steps; step++) {
        s.firstRow(firstRow);
        s.lastRow(lastRow);
        halo.exchange(firstRow, lastRow, below, above);
        s.setHalo(below, above);
        s.step();
        if (m < snapshots && step == snapshotStep[m]) {
          s.read(local);
          for (int i = 0; i < samples; i++) {
            if (sensorSnapshot[i] == m && strip.contains(row[i])) {
              values[i] = local[(row[i] - strip.first()) * grid + col[i]];
            }
          }
          m++;
        }
      }
      s.read(local);
    }
    double mass = 0;
    for (float c : local) {
      mass += c;
    }
    values[samples] = mass * dx * dx;
    halo.sumToRoot(values);
    return new Samples(xs, ys, ts, java.util.Arrays.copyOf(values, samples), values[samples]);
  }
}
