package io.fedmesh.mesh.wan;

/** What a scenario acts on: each site's emulated link and its agent process. */
public interface ScenarioSites {
  /** The site's link; null when the site has none (it dials the coordinator directly). */
  WanLink link(String site);

  /** The site's agent stops, as a site that leaves the mesh. */
  void leave(String site);

  /** The site's agent starts (again), as a site that joins the mesh. */
  void join(String site);
}
