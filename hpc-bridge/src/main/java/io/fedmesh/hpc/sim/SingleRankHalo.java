package io.fedmesh.hpc.sim;

/** One process owning the whole grid: both strip edges are domain edges, nothing to exchange or sum. */
public final class SingleRankHalo implements Halo {
  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public void exchange(float[] firstRow, float[] lastRow, float[] below, float[] above) {
    // no neighbours: the domain edges are handled by the kernel's boundary condition
  }

  @Override
  public void sumToRoot(double[] values) {
    // rank 0 already holds the only contribution
  }

  @Override
  public void close() {
    // nothing held
  }
}
