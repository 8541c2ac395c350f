package io.fedmesh.mesh;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.mesh.model.ServingProbe;
import io.fedmesh.mesh.report.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/** The last act of a local run, while the agents still run: query a serving site with the test samples. */
final class LocalServing {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private LocalServing() {}

  /** The serving result, or null (and a console line saying why) when no site served. */
  static RunSummary.Serving query(LocalMesh mesh, MeshPlan plan, PrintStream console) throws InterruptedException {
    String model = plan.model().getMetadata().getName();
    var site = ServingProbe.awaitReady(mesh.client(), MeshPlan.NAMESPACE, model, READY_TIMEOUT);
    if (site == null) {
      console.printf("  (no serving: no site reported DistributedModel/%s ready within %d s; see the agents' logs)%n", model,
          READY_TIMEOUT.toSeconds());
      return null;
    }
    try {
      String label = plan.training().getSpec().localTraining.labelColumn;
      Dataset test = CsvDatasetReader.read(plan.data().testCsv(), label == null ? "label" : label, plan.data().task());
      int[] shape = plan.model().getSpec().inputShape.stream().mapToInt(Integer::intValue).toArray();
      RunSummary.Serving s = ServingProbe.score(site.site, "127.0.0.1", site.port, mesh.clientTls(), model, shape, test,
          plan.data().task());
      console.printf("  serving: %s answered %d Open Inference Protocol requests with %s: %s %.4f (%.1f s)%n", s.site(), s.requests(),
          s.version(), s.accuracy() != null ? "accuracy" : "mse", s.accuracy() != null ? s.accuracy() : s.mse(), s.seconds());
      return s;
    } catch (IOException | DatasetException | RuntimeException e) {
      console.printf("  (no serving: querying %s failed: %s)%n", site.site, e.getMessage());
      return null;
    }
  }
}
