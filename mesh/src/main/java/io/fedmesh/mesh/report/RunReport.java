package io.fedmesh.mesh.report;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * report.html with PNG plots rendered by XChart: metric and loss per round, round duration, participation
 * per site and bytes per round (in the unit that fits), then a table of every round.
 */
public final class RunReport {
  private RunReport() {}

  public static Path write(Path out, String title, RunSummary summary, List<RoundRecord> history) throws IOException {
    return write(out, title, summary, history, Map.of(), Map.of());
  }

  /**
   * @param burstTimeline task name -> {start, end} in Unix seconds; empty when there was no burst
   * @param classMix site -> its class counts (the non-IID story); empty for regression
   */
  public static Path write(Path out, String title, RunSummary summary, List<RoundRecord> history, Map<String, double[]> burstTimeline,
      Map<String, String> classMix) throws IOException {
    return write(out, title, summary, history, burstTimeline, classMix, "");
  }

  /** @param extraSections HTML added at the end of the report (the WAN scenario's section, say) */
  public static Path write(Path out, String title, RunSummary summary, List<RoundRecord> history, Map<String, double[]> burstTimeline,
      Map<String, String> classMix, String extraSections) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(out);
    List<Integer> rounds = new ArrayList<>();
    List<Double> metric = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    List<Double> overhead = new ArrayList<>();
    Map<String, Integer> participation = new TreeMap<>();
    for (RoundRecord r : history) {
      rounds.add(r.round);
      metric.add(r.metric == null ? 0 : r.metric);
      loss.add(r.loss == null ? 0 : r.loss);
      bytes.add(r.bytes == null ? 0.0 : r.bytes);
      seconds.add(r.seconds == null ? 0 : r.seconds);
      overhead.add(r.overheadSeconds == null ? 0 : r.overheadSeconds);
      for (String p : r.participants) {
        participation.merge(p, 1, Integer::sum);
      }
    }
    for (RunSummary.Site s : summary.sites()) {
      participation.putIfAbsent(s.name(), 0);
    }
    if (participation.isEmpty()) {
      participation.put("(no site)", 0); // XChart refuses an empty series
    }
    if (rounds.isEmpty()) {
      rounds.add(0);
      metric.add(0.0);
      loss.add(0.0);
      bytes.add(0.0);
      seconds.add(0.0);
      overhead.add(0.0);
    }
    String metricName = summary.metric().name() == null ? "metric" : summary.metric().name();

    XYChart m = new XYChartBuilder().width(640).height(360).title(metricName + " and training loss per round")
        .xAxisTitle("round").yAxisTitle("value").build();
    m.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    m.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    m.addSeries("global " + metricName, rounds, metric);
    m.addSeries("mean training loss", rounds, loss);
    BitmapEncoder.saveBitmap(m, out.resolve("metric.png").toString(), BitmapEncoder.BitmapFormat.PNG);

    CategoryChart p = new CategoryChartBuilder().width(640).height(360).title("rounds each site took part in")
        .xAxisTitle("site").yAxisTitle("rounds").build();
    p.getStyler().setLegendVisible(false);
    p.addSeries("rounds", new ArrayList<>(participation.keySet()), new ArrayList<>(participation.values()));
    BitmapEncoder.saveBitmap(p, out.resolve("participation.png").toString(), BitmapEncoder.BitmapFormat.PNG);

    String siteImg = "";
    Map<String, List<double[]>> perSite = siteCurves(history);
    if (!perSite.isEmpty()) {
      XYChart c = new XYChartBuilder().width(640).height(360).title("each site's own " + metricName + " (local data, after local training)")
          .xAxisTitle("round").yAxisTitle(metricName).build();
      c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      for (Map.Entry<String, List<double[]>> e : perSite.entrySet()) {
        c.addSeries(e.getKey(), e.getValue().stream().mapToDouble(point -> point[0]).toArray(),
            e.getValue().stream().mapToDouble(point -> point[1]).toArray());
      }
      BitmapEncoder.saveBitmap(c, out.resolve("sites.png").toString(), BitmapEncoder.BitmapFormat.PNG);
      siteImg = "<img src=\"sites.png\" alt=\"per-site metric per round\">";
    }

    XYChart d = new XYChartBuilder().width(640).height(360).title("round duration").xAxisTitle("round").yAxisTitle("seconds").build();
    d.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    d.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    d.addSeries("open to aggregation", rounds, seconds);
    d.addSeries("beyond the slowest site's work", rounds, overhead);
    BitmapEncoder.saveBitmap(d, out.resolve("duration.png").toString(), BitmapEncoder.BitmapFormat.PNG);

    ByteUnits unit = ByteUnits.forMax(bytes.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    CategoryChart b = new CategoryChartBuilder().width(640).height(360).title("bytes moved per round (" + unit.name() + ")")
        .xAxisTitle("round").yAxisTitle(unit.name()).build();
    b.getStyler().setLegendVisible(false);
    b.addSeries(unit.name(), rounds, bytes.stream().map(unit::of).toList());
    BitmapEncoder.saveBitmap(b, out.resolve("bytes.png").toString(), BitmapEncoder.BitmapFormat.PNG);

    String timelineImg = Timeline.render(out, history, burstTimeline);
    StringBuilder rows = new StringBuilder();
    for (RoundRecord r : history) {
      long roundBytes = r.bytes == null ? 0 : r.bytes;
      rows.append(String.format("<tr><td>%d</td><td>%s</td><td>%s</td><td>%.4f</td><td>%.4f</td><td title=\"%,d bytes\">%s</td>"
          + "<td>%.2f</td></tr>%n", r.round, String.join(", ", r.participants), r.missed == null ? "" : String.join(", ", r.missed),
          r.loss == null ? 0 : r.loss, r.metric == null ? 0 : r.metric, roundBytes, ByteUnits.readable(roundBytes),
          r.seconds == null ? 0 : r.seconds));
    }
    StringBuilder sites = new StringBuilder();
    for (RunSummary.Site s : summary.sites()) {
      sites.append("<tr><td>").append(esc(s.name())).append("</td><td>").append(esc(s.phase())).append("</td><td>")
          .append(esc(classMix.getOrDefault(s.name(), ""))).append("</td></tr>\n");
    }
    String html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>%s</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}img{margin:8px;border:1px solid #ddd}</style>
        </head><body>
        <h1>%s</h1>
        <p><b>Phase:</b> %s &nbsp; <b>Rounds:</b> %d &nbsp; <b>Final %s:</b> %s &nbsp; <b>Bytes moved:</b> %s (%,d bytes) &nbsp; <b>Wall time:</b> %.1f s%s</p>
        <div><img src="metric.png" alt="metric per round"><img src="duration.png" alt="round duration"><img src="participation.png" alt="participation per site"><img src="bytes.png" alt="bytes per round">%s%s</div>
        <h2>Rounds</h2>
        <table><tr><th>round</th><th>participants</th><th>missed</th><th>loss</th><th>%s</th><th>bytes</th><th>seconds</th></tr>
        %s</table>
        <h2>Sites</h2>
        <table><tr><th>site</th><th>final phase</th><th>class mix of its data</th></tr>
        %s</table>
        %s
        %s
        </body></html>
        """.formatted(esc(title), esc(title), summary.phase(), summary.roundsCompleted(), esc(metricName),
        summary.metric().value() == null ? "-" : String.format("%.4f", summary.metric().value()),
        ByteUnits.readable(summary.bytesMoved()), summary.bytesMoved(),
        summary.wallSeconds(), baseline(summary), siteImg, timelineImg, esc(metricName), rows, sites, burstsTable(summary), extraSections);
    Path file = out.resolve("report.html");
    Files.writeString(file, html, StandardCharsets.UTF_8);
    return file;
  }

  /** site -> (round, the site's own metric) for the rounds it reported one, sites in name order. */
  private static String baseline(RunSummary summary) {
    RunSummary.Baseline b = summary.centralBaseline();
    return b == null ? "" : String.format(" &nbsp; <b>Central baseline</b> (the same model on the pooled data, %d epochs): %s %.4f",
        b.epochs(), esc(b.metric()), b.value());
  }

  /** One row per burst the training ran: what it did and what it produced. */
  static String burstsTable(RunSummary summary) {
    if (summary.bursts() == null || summary.bursts().isEmpty()) {
      return "";
    }
    StringBuilder t = new StringBuilder("<h2>Bursts</h2>\n<table><tr><th>burst</th><th>phase</th><th>tasks</th><th>succeeded</th>"
        + "<th>failed</th><th>samples</th><th>makespan s</th><th>utilization</th><th>mode</th><th>placed in</th><th>score</th>"
        + "<th>why</th></tr>\n");
    for (RunSummary.Burst b : summary.bursts()) {
      t.append(String.format("<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%s</td>"
          + "<td>%s</td><td>%s</td><td>%s</td></tr>%n",
          esc(b.name()), esc(b.phase()), b.tasks(), b.succeeded(), b.failed(), b.producedSamples(), b.makespanSeconds(), b.utilization(),
          esc(b.mode()), esc(b.region()), b.score() == null ? "" : String.format(java.util.Locale.ROOT, "%.4g", b.score()),
          esc(b.reason())));
    }
    return t.append("</table>").toString();
  }

  static Map<String, List<double[]>> siteCurves(List<RoundRecord> history) {
    Map<String, List<double[]>> curves = new TreeMap<>();
    for (RoundRecord r : history) {
      if (r.siteMetrics != null) {
        r.siteMetrics.forEach((site, v) -> curves.computeIfAbsent(site, s -> new ArrayList<>()).add(new double[] {r.round, v}));
      }
    }
    return curves;
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
