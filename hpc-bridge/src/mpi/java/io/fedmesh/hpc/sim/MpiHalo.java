package io.fedmesh.hpc.sim;

import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

/**
 * The halo exchange over Open MPI's Java bindings: each rank owns a strip of rows, trades its
 * lowest row with the rank below and its highest with the rank above (Sendrecv, so neighbours never
 * deadlock), and results are summed onto rank 0 with Reduce. The domain edges talk to PROC_NULL.
 */
public final class MpiHalo implements Halo {
  private static final int TAG_DOWN = 11;
  private static final int TAG_UP = 12;

  private final Intracomm comm;
  private final int rank;
  private final int size;
  private final int below;
  private final int above;

  public MpiHalo(Intracomm comm) {
    this.comm = comm;
    try {
      this.rank = comm.getRank();
      this.size = comm.getSize();
    } catch (MPIException e) {
      throw new IllegalStateException("MPI rank/size: " + e.getMessage(), e);
    }
    this.below = rank == 0 ? MPI.PROC_NULL : rank - 1;
    this.above = rank == size - 1 ? MPI.PROC_NULL : rank + 1;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void exchange(float[] firstRow, float[] lastRow, float[] belowHalo, float[] aboveHalo) {
    int n = firstRow.length;
    try {
      // my lowest row goes down while the row above me arrives, then the reverse
      comm.sendRecv(firstRow, n, MPI.FLOAT, below, TAG_DOWN, aboveHalo, n, MPI.FLOAT, above, TAG_DOWN);
      comm.sendRecv(lastRow, n, MPI.FLOAT, above, TAG_UP, belowHalo, n, MPI.FLOAT, below, TAG_UP);
    } catch (MPIException e) {
      throw new IllegalStateException("MPI halo exchange on rank " + rank + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void sumToRoot(double[] values) {
    double[] sum = new double[values.length];
    try {
      comm.reduce(values, sum, values.length, MPI.DOUBLE, MPI.SUM, 0);
    } catch (MPIException e) {
      throw new IllegalStateException("MPI reduce on rank " + rank + ": " + e.getMessage(), e);
    }
    if (rank == 0) {
      System.arraycopy(sum, 0, values, 0, values.length);
    }
  }

  @Override
  public void close() {
    // COMM_WORLD is released by MPI.Finalize in MpiSimulationMain
  }
}
