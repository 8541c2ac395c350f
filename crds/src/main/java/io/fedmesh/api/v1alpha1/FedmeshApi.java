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

  private FedmeshApi() {}
}
