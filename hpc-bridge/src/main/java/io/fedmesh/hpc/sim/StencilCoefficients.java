package io.fedmesh.hpc.sim;

/** The constants of one explicit update: wind (u, v), diffusivity, time step, cell size and boundary. */
public record StencilCoefficients(float u, float v, float diffusivity, float dt, float dx, Boundary boundary) {
  public StencilCoefficients {
    if (!(dt > 0) || !(dx > 0) || !(diffusivity >= 0)) {
      throw new IllegalArgumentException("dt and dx must be > 0 and diffusivity >= 0 (got dt=" + dt + ", dx=" + dx
          + ", diffusivity=" + diffusivity + ")");
    }
  }
}
