package io.fedmesh.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** An HPC system reachable through an hpc-bridge. */
@Group(FedmeshApi.GROUP)
@Version(FedmeshApi.VERSION)
@Kind(HpcCluster.KIND)
@Plural(HpcCluster.PLURAL)
@Singular("hpccluster")
@ShortNames({"hpc"})
@Categories(FedmeshApi.CATEGORY)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Scheduler", jsonPath = ".spec.scheduler", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Queue", jsonPath = ".status.queueDepth", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Free-CPUs", jsonPath = ".status.freeCpus", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class HpcCluster extends CustomResource<HpcClusterSpec, HpcClusterStatus> implements Namespaced {
  public static final String KIND = "HpcCluster";
  public static final String PLURAL = "hpcclusters";

  @Override
  protected HpcClusterStatus initStatus() {
    return new HpcClusterStatus();
  }
}
