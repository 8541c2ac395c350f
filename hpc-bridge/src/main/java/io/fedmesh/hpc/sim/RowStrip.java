package io.fedmesh.hpc.sim;

/** The rows [first, first + count) of an N x N grid that one rank of {@code size} owns (as even as possible). */
public record RowStrip(int first, int count) {
  public static RowStrip of(int grid, int rank, int size) {
    if (size < 1 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("rank " + rank + " is not in [0, " + size + ")");
    }
    if (grid < size) {
      throw new SimulationParameterException("grid", "grid=" + grid + " is smaller than the " + size
          + " ranks: every rank needs at least one row; use --grid >= " + size + " or fewer ranks");
    }
    int base = grid / size;
    int extra = grid % size;
    return new RowStrip(rank * base + Math.min(rank, extra), base + (rank < extra ? 1 : 0));
  }

  public boolean contains(int row) {
    return row >= first && row < first + count;
  }
}
