package io.fedmesh.mesh;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.mesh.model.CheckpointExport;
import io.fedmesh.mesh.model.ServingProbe;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.models.export.ExportedModel;
import io.fedmesh.models.export.ModelExport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The last acts of a local run, while the agents still run: export the final version to OUT/model,
 * then query a serving site with the test samples and compare its answers with the export's.
 */
final class LocalServing {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private LocalServing() {}

  /** The serving result, or null (and a console line saying why) when no site served. */
  static RunSummary.Serving query(LocalMesh mesh, MeshPlan plan, FederatedTraining last, PrintStream console)
      throws InterruptedException {
    Path exported = exportFinalModel(plan, last, console);
    String model = plan.model().getMetadata().getName();
    var site = ServingProbe.awaitReady(mesh.client(), MeshPlan.NAMESPACE, model, READY_TIMEOUT);
    if (site == null) {
      console.printf("  (no serving: no site reported DistributedModel/%s ready within %d s; see the agents' logs)%n", model,
          READY_TIMEOUT.toSeconds());
      return null;
    }
    try (ExportedModel reference = exported == null ? null : ModelExport.read(exported)) {
      String label = plan.training().getSpec().localTraining.labelColumn;
      Dataset test = io.fedmesh.common.data.Datasets.read(plan.data().testSet(), null, label == null ? "label" : label, plan.data().task());
      int[] shape = plan.model().getSpec().inputShape.stream().mapToInt(Integer::intValue).toArray();
      RunSummary.Serving s = ServingProbe.score(site.site, "127.0.0.1", site.port, mesh.clientTls(), model, shape, test,
          plan.data().task(), reference);
      console.printf("  serving: %s answered %d Open Inference Protocol requests with %s: %s %.4f%s (%.1f s)%n", s.site(),
          s.requests(), s.version(), s.accuracy() != null ? "accuracy" : "mse", s.accuracy() != null ? s.accuracy() : s.mse(),
          s.matchesExport() == null ? "" : String.format(", %.0f%% the same as the exported model", 100 * s.matchesExport()),
          s.seconds());
      return s;
    } catch (IOException | DatasetException | RuntimeException e) {
      console.printf("  (no serving: querying %s failed: %s)%n", site.site, e.getMessage());
      return null;
    }
  }

  /** OUT/model: the training's final version as an exported model directory; null (and why) when it cannot be. */
  private static Path exportFinalModel(MeshPlan plan, FederatedTraining last, PrintStream console) {
    String version = last.getStatus() == null ? null : last.getStatus().modelVersion;
    Path dir = plan.out().resolve("model");
    try {
      var m = CheckpointExport.export(plan.out().resolve("checkpoints"), MeshPlan.NAMESPACE, last.getMetadata().getName(), version, dir,
          List.of());
      Path hint = plan.logsHint().resolveSibling("model");
      console.printf("  model: %s exported to %s (./fedmesh predict --model %s --data FILE)%n", m.version(), hint, hint);
      return dir;
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      console.printf("  (no model exported: %s)%n", e.getMessage());
      return null;
    }
  }
}
