package io.fedmesh.hpc.sim;

/** Small helpers the stencil tests share: initial fields, running a strip, sums. */
final class StencilFields {
  private StencilFields() {}

  /** A Gaussian blob of height 1 at (cx, cy) with width sigma on an N x N cell-centred grid. */
  static float[] blob(int n, double cx, double cy, double sigma) {
    float[] f = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double x = (j + 0.5) / n - cx;
        double y = (i + 0.5) / n - cy;
        f[i * n + j] = (float) Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
      }
    }
    return f;
  }

  /** Runs a whole-grid strip (both edges are walls) for {@code steps} steps from {@code initial}. */
  static float[] run(StencilKernel kernel, int n, StencilCoefficients k, float[] source, float[] initial, int steps) {
    float[] out = new float[n * n];
    try (StencilStrip s = kernel.allocate(n, n, k, source, true, true)) {
      s.write(initial);
      for (int i = 0; i < steps; i++) {
        s.step();
      }
      s.read(out);
    }
    return out;
  }

  /**
   * Runs the grid split into {@code parts} row strips, exchanging halo rows by hand before each
   * step exactly as a Halo would between ranks.
   */
  static float[] runSplit(StencilKernel kernel, int n, int parts, StencilCoefficients k, float[] source,
      float[] initial, int steps) {
    StencilStrip[] strips = new StencilStrip[parts];
    RowStrip[] rows = new RowStrip[parts];
    try {
      for (int p = 0; p < parts; p++) {
        rows[p] = RowStrip.of(n, p, parts);
        int from = rows[p].first() * n;
        int to = from + rows[p].count() * n;
        strips[p] = kernel.allocate(rows[p].count(), n, k, java.util.Arrays.copyOfRange(source, from, to), p == 0,
            p == parts - 1);
        strips[p].write(java.util.Arrays.copyOfRange(initial, from, to));
      }
      float[][] first = new float[parts][n];
      float[][] last = new float[parts][n];
      float[] zero = new float[n];
      for (int i = 0; i < steps; i++) {
        for (int p = 0; p < parts; p++) {
          strips[p].firstRow(first[p]);
          strips[p].lastRow(last[p]);
        }
        for (int p = 0; p < parts; p++) {
          strips[p].setHalo(p == 0 ? zero : last[p - 1], p == parts - 1 ? zero : first[p + 1]);
          strips[p].step();
        }
      }
      float[] out = new float[n * n];
      for (int p = 0; p < parts; p++) {
        float[] part = new float[rows[p].count() * n];
        strips[p].read(part);
        System.arraycopy(part, 0, out, rows[p].first() * n, part.length);
      }
      return out;
    } finally {
      for (StencilStrip s : strips) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  static double sum(float[] f) {
    double s = 0;
    for (float v : f) {
      s += v;
    }
    return s;
  }

  static float max(float[] f) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : f) {
      m = Math.max(m, v);
    }
    return m;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  /** A stable dt for these coefficients on an N x N grid (90% of the limit). */
  static float stableDt(int n, float u, float v, float d) {
    double dx = 1.0 / n;
    return (float) (0.9 / ((Math.abs(u) + Math.abs(v)) / dx + 4 * d / (dx * dx)));
  }
}
