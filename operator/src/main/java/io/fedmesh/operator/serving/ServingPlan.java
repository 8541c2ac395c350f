package io.fedmesh.operator.serving;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.operator.placement.LabelSelectors;
import io.fedmesh.proto.federation.v1.ServeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which models a site serves and which version of each, from the DistributedModels alone (no
 * state of its own, so every operator replica and every restart decides the same): the pinned
 * {@code spec.serving.version}, else walking {@code status.versions} oldest to newest, a version
 * replaces the one before it only when its metric is no worse.
 */
public final class ServingPlan {
  private ServingPlan() {}

  /** The version to serve and the training that produced it. */
  public record Choice(String version, String training) {}

  /** True when the model's serving selector picks a site with these labels (no selector: serves nowhere). */
  public static boolean selects(DistributedModel model, Map<String, String> labels) {
    DistributedModelSpec.Serving s = model.getSpec() == null ? null : model.getSpec().serving;
    return s != null && s.siteSelector != null && LabelSelectors.matches(s.siteSelector, labels);
  }

  public static List<ServeModel> forSite(EdgeSite site, List<DistributedModel> models) {
    List<ServeModel> out = new ArrayList<>();
    Map<String, String> labels = site.getMetadata().getLabels();
    for (DistributedModel m : models) {
      if (!selects(m, labels)) {
        continue;
      }
      choose(m).ifPresent(c -> out.add(ServeModel.newBuilder().setModel(m.getMetadata().getName()).setVersion(c.version())
          .setTraining(c.training()).build()));
    }
    return out;
  }

  /** The version to serve now; empty while there is none (no version yet, or the pinned one is not in the status). */
  public static Optional<Choice> choose(DistributedModel model) {
    List<DistributedModelStatus.ModelVersion> versions = model.getStatus() == null ? List.of() : model.getStatus().versions;
    String pinned = model.getSpec().serving.version;
    if (pinned != null && !pinned.isBlank()) {
      return versions.stream().filter(v -> pinned.equals(v.version) && v.producedBy != null).findFirst()
          .map(v -> new Choice(v.version, training(v)));
    }
    boolean higherIsBetter = model.getSpec().task != DistributedModelSpec.Task.REGRESSION;
    DistributedModelStatus.ModelVersion served = null;
    for (DistributedModelStatus.ModelVersion v : versions) {
      if (v.producedBy == null || v.version == null) {
        continue;
      }
      if (served == null || noWorse(v.value, served.value, higherIsBetter)) {
        served = v;
      }
    }
    return served == null ? Optional.empty() : Optional.of(new Choice(served.version, training(served)));
  }

  /** Why a selected model has nothing to serve, or null when it has. */
  public static String nothingToServe(DistributedModel model) {
    if (choose(model).isPresent()) {
      return null;
    }
    String pinned = model.getSpec().serving.version;
    return pinned != null && !pinned.isBlank() ? "spec.serving.version " + pinned + " is not among status.versions"
        : "no version trained yet";
  }

  /** A version without a metric never displaces one with a metric; a measured one replaces an unmeasured one. */
  static boolean noWorse(Double candidate, Double current, boolean higherIsBetter) {
    if (candidate == null || candidate.isNaN()) {
      return current == null || current.isNaN();
    }
    if (current == null || current.isNaN()) {
      return true;
    }
    return higherIsBetter ? candidate >= current : candidate <= current;
  }

  /** "namespace/name" from producedBy "namespace/name#round". */
  private static String training(DistributedModelStatus.ModelVersion v) {
    int hash = v.producedBy.indexOf('#');
    return hash < 0 ? v.producedBy : v.producedBy.substring(0, hash);
  }
}
