package io.fedmesh.hpc.sim;

/**
 * The numerics of one explicit advection-diffusion step, free of any MPI dependency. A kernel
 * allocates a {@link StencilStrip}: a band of whole grid rows owned by one rank, which it keeps
 * where it computes (host memory or GPU memory) between steps.
 */
public interface StencilKernel {
  /** A short name for logs and CSV provenance ("cpu", "jcuda"). */
  String name();

  /**
   * A strip of {@code rows} x {@code cols} cells, all zero. {@code source} (rows x cols, row-major)
   * is added times dt every step. {@code wallBelow}/{@code wallAbove} say whether the strip's first
   * or last row touches the domain edge (then the boundary applies there instead of a halo row).
   */
  StencilStrip allocate(int rows, int cols, StencilCoefficients coefficients, float[] source, boolean wallBelow,
      boolean wallAbove);
}
