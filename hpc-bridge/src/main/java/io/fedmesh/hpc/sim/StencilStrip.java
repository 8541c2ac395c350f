package io.fedmesh.hpc.sim;

/**
 * One rank's rows of the field, with a halo row below and above that the caller fills from the
 * neighbouring ranks before each step (rows are stored south to north; row 0 is the lowest y).
 */
public interface StencilStrip extends AutoCloseable {
  int rows();

  int cols();

  /** Copies the strip's lowest interior row into {@code dst} (what the rank below needs as its upper halo). */
  void firstRow(float[] dst);

  /** Copies the strip's highest interior row into {@code dst} (what the rank above needs as its lower halo). */
  void lastRow(float[] dst);

  /** Sets the halo rows just below and just above the strip (ignored on a side that is a wall). */
  void setHalo(float[] below, float[] above);

  /** Advances the interior by one time step. */
  void step();

  /** Copies the interior (rows x cols, row-major) into {@code dst}. */
  void read(float[] dst);

  /** Replaces the interior with {@code src} (rows x cols, row-major), e.g. an initial condition. */
  void write(float[] src);

  @Override
  void close();
}
