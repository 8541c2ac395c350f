package io.fedmesh.mesh;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.report.RunReport;
import io.fedmesh.mesh.report.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The end of a run: OUT/summary.json, OUT/report.html and the closing console lines. */
final class RunReporter {
  private final PrintStream console;

  RunReporter(PrintStream console) {
    this.console = console;
  }

  /** Writes and prints the outcome of the training {@code last}; the caller's exit code follows its phase. */
  RunSummary report(LocalMesh mesh, MeshPlan plan, RunWatcher.Followed run, double wallSeconds, RunSummary.Serving serving)
      throws IOException {
    return report(mesh, plan, run, wallSeconds, serving, List.of());
  }

  /** @param scenarioEvents what the WAN scenario changed during the run, drawn over the rounds in the report */
  RunSummary report(LocalMesh mesh, MeshPlan plan, RunWatcher.Followed run, double wallSeconds, RunSummary.Serving serving,
      List<io.fedmesh.mesh.wan.ScenarioPlayer.Applied> scenarioEvents) throws IOException {
    KubernetesClient client = mesh.client();
    Path out = plan.out();
    FederatedTraining last = run.training();
    List<EdgeSite> sites = client.resources(EdgeSite.class).inNamespace(MeshPlan.NAMESPACE).list().getItems();
    RunSummary summary = RunSummary.of(last, run.record(), sites, wallSeconds).withServing(serving);
    LocalHpc hpc = mesh.hpc();
    if (hpc != null) {
      summary = summary.withBursts(LocalHpc.summaries(client, MeshPlan.NAMESPACE));
      for (RunSummary.Burst b : summary.bursts()) {
        console.printf("  burst %s: %s, %d/%d tasks succeeded, %d samples, makespan %.2f s, utilization %.2f (%s)%n", b.name(),
            b.phase(), b.succeeded(), b.tasks(), b.producedSamples(), b.makespanSeconds(), b.utilization(), b.mode());
        if (b.reason() != null) {
          console.printf("    placed in %s: %s%n", b.region(), b.reason());
        }
      }
    }
    try {
      RunSummary.Baseline b = CentralBaseline.train(plan, summary.roundsCompleted());
      summary = summary.withCentralBaseline(b);
      console.printf("  central baseline: the same model on the pooled data of every site (%,d rows, %d epochs): %s %.4f%n",
          b.samples(), b.epochs(), b.metric(), b.value());
    } catch (IOException | io.fedmesh.common.data.DatasetException | RuntimeException e) {
      console.printf("  (no central baseline: %s)%n", e.getMessage());
    }
    if (plan.data().task() == TaskKind.REGRESSION) {
      summary = summary.withLabelVariance(labelVariance(plan.data().testCsv()));
    }
    summary.write(out.resolve("summary.json"));
    String wan = io.fedmesh.mesh.report.ScenarioSection.write(out, plan.scenario().name, plan.scenario().description, scenarioEvents,
        run.record().rounds(), sites);
    Path report = RunReport.write(out, "fedmesh local: " + last.getMetadata().getName(), summary, run.record().rounds(),
        hpc == null ? Map.of() : hpc.timeline(client, MeshPlan.NAMESPACE), classMix(plan), wan);
    var ready = last.getStatus() == null ? null : last.getStatus().condition("Ready");
    console.printf("%n%s (%s): %d round(s), %,d bytes moved, %.1f s%n", summary.phase(),
        ready == null ? "" : ready.getMessage(), summary.roundsCompleted(), summary.bytesMoved(), wallSeconds);
    if (summary.missingRounds() != null) {
      console.printf("  rounds missing from the record (the status moved past them before they were seen): %s%n",
          summary.missingRounds());
    } else if (run.record().bytes() != summary.bytesMoved()) {
      console.printf("  the rounds' bytes (%,d) do not add up to bytesMoved (%,d)%n", run.record().bytes(), summary.bytesMoved());
    }
    List<Double> overheads = summary.history().stream().map(RunSummary.Round::overheadSeconds).filter(java.util.Objects::nonNull)
        .sorted().toList();
    if (!overheads.isEmpty()) {
      console.printf("  round overhead (round time beyond its slowest site's download, training and upload): median %.0f ms%n",
          overheads.get(overheads.size() / 2) * 1000);
    }
    if (plan.data().task() == TaskKind.REGRESSION) {
      // the yardstick for an MSE: what always predicting the test set's mean label would score
      console.printf("  (test-set label variance, the MSE of predicting the mean: %.4f%s)%n", labelVariance(plan.data().testCsv()),
          summary.metric().r2() == null ? "" : String.format(java.util.Locale.ROOT, "; R^2 = 1 - mse / variance = %.3f",
              summary.metric().r2()));
    }
    for (RunSummary.Site s : summary.sites()) {
      console.printf("  %-10s %s%s%n", s.name(), s.phase(), forecastLine(sites, s.name()));
    }
    console.printf("wrote %s and %s%n", out.resolve("summary.json"), report);
    return summary;
  }

  /** The site's measured rates and the error of its last round-time forecast, "" when it has none. */
  private static String forecastLine(List<EdgeSite> sites, String name) {
    return sites.stream().filter(e -> e.getMetadata().getName().equals(name) && e.getStatus() != null
        && e.getStatus().roundForecast != null).findFirst().map(e -> {
          var f = e.getStatus().roundForecast;
          return String.format("  %s samples/s, down %s / up %s Mbit/s, next round forecast %s s; last forecast %s s, observed %s s",
              fmt(f.samplesPerSecond), fmt(f.downloadMbps), fmt(f.uploadMbps), fmt(f.nextRoundSeconds), fmt(f.lastForecastSeconds),
              fmt(f.lastObservedSeconds));
        }).orElse("");
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.1f", v);
  }

  /** Each site's class counts from its data file, e.g. "0: 812, 1: 301, 2: 87"; empty for regression. */
  static Map<String, String> classMix(MeshPlan plan) {
    Map<String, String> mix = new java.util.LinkedHashMap<>();
    if (plan.data().task() != TaskKind.CLASSIFICATION) {
      return mix;
    }
    String label = plan.training().getSpec().localTraining.labelColumn;
    for (MeshPlan.Site site : plan.sites()) {
      try (var files = java.nio.file.Files.list(site.dataDir())) {
        java.nio.file.Path csv = files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElse(null);
        if (csv == null) {
          continue;
        }
        var d = io.fedmesh.common.data.CsvDatasetReader.read(csv, label == null ? "label" : label, TaskKind.CLASSIFICATION);
        java.util.TreeMap<Integer, Integer> counts = new java.util.TreeMap<>();
        for (float y : d.y()) {
          counts.merge((int) y, 1, Integer::sum);
        }
        mix.put(site.name(), counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", ")));
      } catch (java.io.IOException | io.fedmesh.common.data.DatasetException e) {
        mix.put(site.name(), "unreadable: " + e.getMessage());
      }
    }
    return mix;
  }

  static double labelVariance(Path csv) {
    try {
      return io.fedmesh.common.data.LabelStats.variance(CsvDatasetReader.read(csv, "label", TaskKind.REGRESSION).y());
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
