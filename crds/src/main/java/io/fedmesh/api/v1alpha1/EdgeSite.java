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

/** One edge location whose agent trains federated learners on local data. */
@Group(FedmeshApi.GROUP)
@Version(FedmeshApi.VERSION)
@Kind(EdgeSite.KIND)
@Plural(EdgeSite.PLURAL)
@Singular("edgesite")
@ShortNames({"site", "sites"})
@Categories(FedmeshApi.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Role", jsonPath = ".spec.role", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "RTT-ms", jsonPath = ".status.measuredLink.rttMs", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Last-Seen", jsonPath = ".status.lastHeartbeat", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EdgeSite extends CustomResource<EdgeSiteSpec, EdgeSiteStatus> implements Namespaced {
  public static final String KIND = "EdgeSite";
  public static final String PLURAL = "edgesites";

  @Override
  protected EdgeSiteStatus initStatus() {
    return new EdgeSiteStatus();
  }
}
