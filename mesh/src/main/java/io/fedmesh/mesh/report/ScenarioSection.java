package io.fedmesh.mesh.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.RoundForecast;
import io.fedmesh.mesh.wan.ScenarioPlayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's WAN part: the scenario's events drawn over the rounds' durations (scenario.png), a
 * table of every event, each site's measured rates with its round-time forecast and the last
 * forecast's error; and OUT/scenario.json with the same facts.
 */
public final class ScenarioSection {
  private ScenarioSection() {}

  /** Writes scenario.png and scenario.json under {@code out}; returns the HTML to add to the report. */
  public static String write(Path out, String name, String description, List<ScenarioPlayer.Applied> events, List<RoundRecord> history,
      List<EdgeSite> sites) throws IOException {
    Map<Integer, Double> seconds = new LinkedHashMap<>();
    for (RoundRecord r : history) {
      seconds.put(r.round, r.seconds == null ? 0 : r.seconds);
    }
    String img = "";
    if (!seconds.isEmpty()) {
      XYChart c = new XYChartBuilder().width(900).height(360).title("round duration with the WAN scenario's events (" + name + ")")
          .xAxisTitle("round (an event is drawn on the round in progress when it happened)").yAxisTitle("seconds").build();
      c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      c.getStyler().setYAxisMin(0.0);
      c.addSeries("round seconds", new ArrayList<>(seconds.keySet()), new ArrayList<>(seconds.values()));
      Map<String, List<double[]>> byType = new LinkedHashMap<>();
      double top = seconds.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
      List<String> types = new ArrayList<>();
      for (ScenarioPlayer.Applied a : events) {
        if (!types.contains(a.type())) {
          types.add(a.type());
        }
        // each kind of event on its own level under the line, so markers of one round do not hide each other
        double y = top * (0.1 + 0.12 * types.indexOf(a.type()));
        byType.computeIfAbsent(a.type(), t -> new ArrayList<>()).add(new double[] {a.round(), y});
      }
      byType.forEach((type, points) -> {
        XYSeries s = c.addSeries(type, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.DIAMOND);
      });
      BitmapEncoder.saveBitmap(c, out.resolve("scenario.png").toString(), BitmapEncoder.BitmapFormat.PNG);
      img = "<div><img src=\"scenario.png\" alt=\"round duration with the scenario's events\"></div>";
    }
    StringBuilder ev = new StringBuilder();
    for (ScenarioPlayer.Applied a : events) {
      ev.append(String.format("<tr><td>%.1f</td><td>%d</td><td>%s</td><td style=\"text-align:left\">%s</td></tr>%n", a.atSeconds(),
          a.round(), esc(a.type()), esc(a.what())));
    }
    StringBuilder fc = new StringBuilder();
    Map<String, RoundForecast> forecasts = new LinkedHashMap<>();
    sites.stream().sorted(Comparator.comparing(s -> s.getMetadata().getName())).forEach(s -> {
      RoundForecast f = s.getStatus() == null ? null : s.getStatus().roundForecast;
      if (f != null) {
        forecasts.put(s.getMetadata().getName(), f);
        fc.append(String.format("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
            + "<td>%s</td><td>%s</td></tr>%n", esc(s.getMetadata().getName()), n(f.fromRound), n(f.samplesPerSecond), n(f.downloadMbps),
            n(f.uploadMbps), n(f.rttMs), esc(f.encoding), n(f.nextRoundSeconds), n(f.lastForecastSeconds), n(f.lastObservedSeconds),
            n(f.lastErrorSeconds)));
      }
    });
    StringBuilder planned = new StringBuilder();
    for (RoundRecord r : history) {
      if (r.selection == null) {
        continue;
      }
      // the decisions worth reading: who was left out, and who came in for fairness or the quorum
      r.selection.forEach((site, why) -> {
        if (!why.startsWith("chosen: ")) {
          planned.append(String.format("<tr><td>%d</td><td>%s</td><td style=\"text-align:left\">%s</td></tr>%n", r.round, esc(site),
              esc(why)));
        }
      });
    }
    String plannedHtml = planned.isEmpty() ? "" : """
        <h3>Planned rounds (--round-target): the sites left out, or brought in, and why (history[].selection)</h3>
        <table><tr><th>round</th><th>site</th><th>why</th></tr>
        %s</table>
        """.formatted(planned);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", name);
    json.put("events", events);
    json.put("forecasts", forecasts);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("scenario.json").toFile(), json);
    return """
        <h2>WAN scenario: %s</h2>
        <p>%s</p>
        %s
        <table><tr><th>seconds</th><th>round</th><th>event</th><th>what changed</th></tr>
        %s</table>
        <h3>Measured, and the forecast of each site's next round (EdgeSite status.roundForecast)</h3>
        <table><tr><th>site</th><th>from round</th><th>samples/s</th><th>down Mbit/s</th><th>up Mbit/s</th><th>RTT ms</th><th>encoding</th>
        <th>next round s (forecast)</th><th>last forecast s</th><th>last observed s</th><th>error s</th></tr>
        %s</table>
        %s""".formatted(esc(name), esc(description == null ? "" : description), img, ev, fc, plannedHtml);
  }

  private static String n(Number v) {
    if (v == null) {
      return "-";
    }
    return v instanceof Integer ? v.toString() : String.format("%.2f", v.doubleValue());
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
