package io.fedmesh.api.v1alpha1;

/** Group, version and the names every fedmesh custom resource shares. */
public final class FedmeshApi {
  public static final String GROUP = "fedmesh.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** `kubectl get fedmesh` lists every kind. */
  public static final String CATEGORY = "fedmesh";

  /** Condition types. */
  public static final String CONDITION_READY = "Ready";
  /** EdgeSite label naming a site's role; the agent sets it to ROLE_SIMULATION_LEARNER with --simulation-learner. */
  public static final String LABEL_ROLE = "fedmesh.io/role";
  public static final String ROLE_SIMULATION_LEARNER = "simulation-learner";
  /** Label of a SimulationBurst a FederatedTraining requested: the training's name. */
  public static final String LABEL_TRAINING = "fedmesh.io/training";
  /**
   * HpcCluster annotation ("true") marking the namespace's default cluster: a SimulationBurst or an
   * adaptiveSimulation without clusterRef runs there, as a PVC without storageClassName uses the
   * default StorageClass.
   */
  public static final String ANNOTATION_DEFAULT_CLUSTER = "fedmesh.io/default-cluster";

  private FedmeshApi() {}
}
