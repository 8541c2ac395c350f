package io.fedmesh.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingPlanTest {
  static DistributedModel model(DistributedModelSpec.Task task, Object... versionsAndMetrics) {
    DistributedModel m = new DistributedModel();
    m.setMetadata(new ObjectMetaBuilder().withName("digits").withNamespace("ns").build());
    DistributedModelSpec spec = new DistributedModelSpec();
    spec.task = task;
    spec.serving = new DistributedModelSpec.Serving();
    spec.serving.siteSelector = new LabelSelectorBuilder().withMatchLabels(Map.of("fedmesh.io/tier", "factory")).build();
    m.setSpec(spec);
    DistributedModelStatus st = new DistributedModelStatus();
    for (int i = 0; i < versionsAndMetrics.length; i += 2) {
      DistributedModelStatus.ModelVersion v = new DistributedModelStatus.ModelVersion();
      v.version = (String) versionsAndMetrics[i];
      v.value = (Double) versionsAndMetrics[i + 1];
      v.producedBy = "ns/ft#" + (i / 2 + 1);
      st.versions.add(v);
    }
    m.setStatus(st);
    return m;
  }

  static EdgeSite site(Map<String, String> labels) {
    EdgeSite s = new EdgeSite();
    s.setMetadata(new ObjectMetaBuilder().withName("site-0").withNamespace("ns").withLabels(labels).build());
    return s;
  }

  @Test
  void aNewVersionReplacesTheServedOneOnlyWhenItIsNoWorse() {
    var accuracy = model(DistributedModelSpec.Task.CLASSIFICATION, "r1", 0.5, "r2", 0.4, "r3", 0.6, "r4", 0.6, "r5", 0.55);
    assertThat(ServingPlan.choose(accuracy)).contains(new ServingPlan.Choice("r4", "ns/ft"));
    var mse = model(DistributedModelSpec.Task.REGRESSION, "r1", 2.0, "r2", 1.0, "r3", 1.5);
    assertThat(ServingPlan.choose(mse).orElseThrow().version()).isEqualTo("r2");
    var unmeasured = model(DistributedModelSpec.Task.CLASSIFICATION, "r1", null, "r2", 0.3, "r3", null);
    assertThat(ServingPlan.choose(unmeasured).orElseThrow().version()).isEqualTo("r2");
  }

  @Test
  void aPinnedVersionIsServedWhateverItsMetric() {
    var m = model(DistributedModelSpec.Task.CLASSIFICATION, "r1", 0.2, "r2", 0.9);
    m.getSpec().serving.version = "r1";
    assertThat(ServingPlan.choose(m).orElseThrow().version()).isEqualTo("r1");
    m.getSpec().serving.version = "r7";
    assertThat(ServingPlan.choose(m)).isEmpty();
    assertThat(ServingPlan.nothingToServe(m)).contains("spec.serving.version r7");
  }

  @Test
  void onlySitesTheSelectorPicksServe() {
    var m = model(DistributedModelSpec.Task.CLASSIFICATION, "r1", 0.5);
    assertThat(ServingPlan.forSite(site(Map.of("fedmesh.io/tier", "factory")), java.util.List.of(m)))
        .singleElement().satisfies(s -> {
          assertThat(s.getModel()).isEqualTo("digits");
          assertThat(s.getVersion()).isEqualTo("r1");
          assertThat(s.getTraining()).isEqualTo("ns/ft");
        });
    assertThat(ServingPlan.forSite(site(Map.of("fedmesh.io/tier", "cloud")), java.util.List.of(m))).isEmpty();
    m.getSpec().serving.siteSelector = null; // no selector serves nowhere, not everywhere
    assertThat(ServingPlan.forSite(site(Map.of("fedmesh.io/tier", "factory")), java.util.List.of(m))).isEmpty();
    assertThat(ServingPlan.forSite(site(Map.of()), java.util.List.of(model(DistributedModelSpec.Task.CLASSIFICATION)))).isEmpty();
  }
}
