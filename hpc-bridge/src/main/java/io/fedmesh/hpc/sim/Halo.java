package io.fedmesh.hpc.sim;

/**
 * How a rank talks to the others: rank and size, the halo exchange of boundary rows with the
 * ranks below and above (row strips, rank 0 at the bottom), and a sum of results onto rank 0.
 * {@link SingleRankHalo} is one process alone; MpiHalo (src/mpi/java) is Open MPI.
 */
public interface Halo extends AutoCloseable {
  int rank();

  int size();

  /**
   * Sends {@code firstRow} to the rank below and {@code lastRow} to the rank above, and receives
   * their boundary rows into {@code below} and {@code above}. A side without a neighbour (the
   * domain edge) leaves its receive array untouched.
   */
  void exchange(float[] firstRow, float[] lastRow, float[] below, float[] above);

  /** Element-wise sum of {@code values} over all ranks, left in rank 0's array (others: unspecified). */
  void sumToRoot(double[] values);

  @Override
  void close();
}
