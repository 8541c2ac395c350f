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

/** A model trained and served across sites that never share raw data. */
@Group(FedmeshApi.GROUP)
@Version(FedmeshApi.VERSION)
@Kind(DistributedModel.KIND)
@Plural(DistributedModel.PLURAL)
@Singular("distributedmodel")
@ShortNames({"dm"})
@Categories(FedmeshApi.CATEGORY)
@AdditionalPrinterColumn(name = "Latest", jsonPath = ".status.latestVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Metric", jsonPath = ".status.latestMetric", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Params", jsonPath = ".status.parameters", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DistributedModel extends CustomResource<DistributedModelSpec, DistributedModelStatus> implements Namespaced {
  public static final String KIND = "DistributedModel";
  public static final String PLURAL = "distributedmodels";

  @Override
  protected DistributedModelStatus initStatus() {
    return new DistributedModelStatus();
  }
}
