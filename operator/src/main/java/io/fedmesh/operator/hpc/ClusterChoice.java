package io.fedmesh.operator.hpc;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.HpcCluster;
import java.util.List;
import java.util.Map;

/**
 * Which HpcCluster a burst runs on. A named cluster is used as named. Without a name, the
 * namespace's default: the one cluster annotated {@code fedmesh.io/default-cluster: "true"}, or,
 * when none is, its only cluster (as a single Slurm partition is the default one). Anything else
 * is ambiguous and refused with the names to choose from, never guessed.
 *
 * @param cluster the cluster, or null when there is none to use
 * @param problem why not, naming the field and the fix; null when {@code cluster} is set
 */
public record ClusterChoice(HpcCluster cluster, String problem) {

  /** The cluster {@code named} (null or blank: the namespace's default) in {@code namespace}. */
  public static ClusterChoice of(KubernetesClient client, String namespace, String named) {
    if (named != null && !named.isBlank()) {
      HpcCluster c = client.resources(HpcCluster.class).inNamespace(namespace).withName(named).get();
      if (c == null || c.getSpec() == null || c.getSpec().bridge == null) {
        return new ClusterChoice(null, "spec.clusterRef: HpcCluster '" + named + "' does not exist in namespace " + namespace
            + "; create it (examples/hpccluster.yaml) or fix spec.clusterRef");
      }
      return new ClusterChoice(c, null);
    }
    List<HpcCluster> all = client.resources(HpcCluster.class).inNamespace(namespace).list().getItems().stream()
        .filter(c -> c.getSpec() != null && c.getSpec().bridge != null).toList();
    List<HpcCluster> defaults = all.stream().filter(ClusterChoice::isDefault).toList();
    if (defaults.size() == 1) {
      return new ClusterChoice(defaults.get(0), null);
    }
    if (defaults.size() > 1) {
      return new ClusterChoice(null, "spec.clusterRef is unset and namespace " + namespace + " has " + defaults.size()
          + " default HpcClusters (" + names(defaults) + "): set spec.clusterRef, or keep the annotation "
          + FedmeshApi.ANNOTATION_DEFAULT_CLUSTER + "=true on one of them");
    }
    if (all.size() == 1) {
      return new ClusterChoice(all.get(0), null);
    }
    if (all.isEmpty()) {
      return new ClusterChoice(null, "spec.clusterRef is unset and namespace " + namespace + " has no HpcCluster;"
          + " create one (examples/hpccluster.yaml) or set spec.clusterRef");
    }
    return new ClusterChoice(null, "spec.clusterRef is unset and namespace " + namespace + " has " + all.size()
        + " HpcClusters (" + names(all) + "), none of them the default: set spec.clusterRef, or mark one with 'kubectl annotate"
        + " hpccluster NAME " + FedmeshApi.ANNOTATION_DEFAULT_CLUSTER + "=true'");
  }

  static boolean isDefault(HpcCluster c) {
    Map<String, String> a = c.getMetadata().getAnnotations();
    return a != null && "true".equalsIgnoreCase(a.get(FedmeshApi.ANNOTATION_DEFAULT_CLUSTER));
  }

  private static String names(List<HpcCluster> clusters) {
    return String.join(", ", clusters.stream().map(c -> c.getMetadata().getName()).sorted().toList());
  }
}
