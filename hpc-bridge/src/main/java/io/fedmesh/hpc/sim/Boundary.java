package io.fedmesh.hpc.sim;

/** What happens at the edges of the unit square. */
public enum Boundary {
  /** Absorbing: c = 0 just outside, so the plume leaves the domain (wind and diffusion carry it out). */
  OPEN,
  /** Walls: no flux of any kind crosses an edge, so without a source the total mass is conserved. */
  CLOSED
}
