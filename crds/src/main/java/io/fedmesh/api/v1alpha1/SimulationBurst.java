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

/** An ensemble of simulation tasks run on an HpcCluster; its output becomes training data. */
@Group(FedmeshApi.GROUP)
@Version(FedmeshApi.VERSION)
@Kind(SimulationBurst.KIND)
@Plural(SimulationBurst.PLURAL)
@Singular("simulationburst")
@ShortNames({"burst", "bursts"})
@Categories(FedmeshApi.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Cluster", jsonPath = ".status.cluster", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Done", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Makespan-s", jsonPath = ".status.makespanSeconds", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SimulationBurst extends CustomResource<SimulationBurstSpec, SimulationBurstStatus> implements Namespaced {
  public static final String KIND = "SimulationBurst";
  public static final String PLURAL = "simulationbursts";

  @Override
  protected SimulationBurstStatus initStatus() {
    return new SimulationBurstStatus();
  }
}
