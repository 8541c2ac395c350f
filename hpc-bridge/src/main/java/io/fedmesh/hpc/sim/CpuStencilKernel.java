package io.fedmesh.hpc.sim;

/**
 * The stencil in plain Java. Finite volumes on a cell-centred grid: every face carries a first-order
 * upwind advective flux plus a central diffusive flux, and a cell changes by what flows in minus
 * what flows out. Written so that each face flux is computed the same way from both sides, which
 * makes the interior conserve mass exactly up to rounding. advection_diffusion.cu is the same update.
 */
public final class CpuStencilKernel implements StencilKernel {

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public StencilStrip allocate(int rows, int cols, StencilCoefficients k, float[] source, boolean wallBelow,
      boolean wallAbove) {
    return new Strip(rows, cols, k, source, wallBelow, wallAbove);
  }

  /** Flux through one face from the {@code left} cell to the {@code right} cell (per unit length). */
  static float flux(float velocity, float left, float right, float diffusivity, float dx) {
    float advective = velocity >= 0f ? velocity * left : velocity * right;
    return advective - diffusivity * (right - left) / dx;
  }

  private static final class Strip implements StencilStrip {
    private final int rows;
    private final int cols;
    private final StencilCoefficients k;
    private final float[] source;
    private final boolean wallBelow;
    private final boolean wallAbove;
    // (rows + 2) x cols: row 0 and row rows+1 are the halo rows
    private float[] field;
    private float[] next;

    Strip(int rows, int cols, StencilCoefficients k, float[] source, boolean wallBelow, boolean wallAbove) {
      if (rows < 1 || cols < 1 || source.length != rows * cols) {
        throw new IllegalArgumentException("strip needs rows, cols >= 1 and a rows x cols source (rows=" + rows
            + ", cols=" + cols + ", source=" + source.length + ")");
      }
      this.rows = rows;
      this.cols = cols;
      this.k = k;
      this.source = source.clone();
      this.wallBelow = wallBelow;
      this.wallAbove = wallAbove;
      this.field = new float[(rows + 2) * cols];
      this.next = new float[(rows + 2) * cols];
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int cols() {
      return cols;
    }

    @Override
    public void firstRow(float[] dst) {
      System.arraycopy(field, cols, dst, 0, cols);
    }

    @Override
    public void lastRow(float[] dst) {
      System.arraycopy(field, rows * cols, dst, 0, cols);
    }

    @Override
    public void setHalo(float[] below, float[] above) {
      System.arraycopy(below, 0, field, 0, cols);
      System.arraycopy(above, 0, field, (rows + 1) * cols, cols);
    }

    @Override
    public void step() {
      final float u = k.u();
      final float v = k.v();
      final float d = k.diffusivity();
      final float dx = k.dx();
      final float dt = k.dt();
      final float ratio = dt / dx;
      final boolean closed = k.boundary() == Boundary.CLOSED;
      for (int r = 0; r < rows; r++) {
        int row = (r + 1) * cols;
        boolean southWall = r == 0 && wallBelow;
        boolean northWall = r == rows - 1 && wallAbove;
        for (int j = 0; j < cols; j++) {
          float c = field[row + j];
          float west = j == 0 ? (closed ? 0f : flux(u, 0f, c, d, dx)) : flux(u, field[row + j - 1], c, d, dx);
          float east = j == cols - 1 ? (closed ? 0f : flux(u, c, 0f, d, dx)) : flux(u, c, field[row + j + 1], d, dx);
          float south = southWall ? (closed ? 0f : flux(v, 0f, c, d, dx)) : flux(v, field[row - cols + j], c, d, dx);
          float north = northWall ? (closed ? 0f : flux(v, c, 0f, d, dx)) : flux(v, c, field[row + cols + j], d, dx);
          next[row + j] = c - ratio * ((east - west) + (north - south)) + dt * source[r * cols + j];
        }
      }
      float[] t = field;
      field = next;
      next = t;
    }

    @Override
    public void read(float[] dst) {
      System.arraycopy(field, cols, dst, 0, rows * cols);
    }

    @Override
    public void write(float[] src) {
      System.arraycopy(src, 0, field, cols, rows * cols);
    }

    @Override
    public void close() {
      // plain heap memory: nothing to release
    }
  }
}
