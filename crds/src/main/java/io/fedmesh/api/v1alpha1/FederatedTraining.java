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

/** One federated, adaptive training run of a DistributedModel across edge sites. */
@Group(FedmeshApi.GROUP)
@Version(FedmeshApi.VERSION)
@Kind(FederatedTraining.KIND)
@Plural(FederatedTraining.PLURAL)
@Singular("federatedtraining")
@ShortNames({"ft"})
@Categories(FedmeshApi.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Round", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Metric", jsonPath = ".status.metric.value", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Sites", jsonPath = ".status.activeSites", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FederatedTraining extends CustomResource<FederatedTrainingSpec, FederatedTrainingStatus> implements Namespaced {
  public static final String KIND = "FederatedTraining";
  public static final String PLURAL = "federatedtrainings";

  @Override
  protected FederatedTrainingStatus initStatus() {
    return new FederatedTrainingStatus();
  }
}
