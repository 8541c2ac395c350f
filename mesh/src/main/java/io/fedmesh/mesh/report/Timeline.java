package io.fedmesh.mesh.report;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The rounds and the burst's tasks on one time axis (seconds from the first of them): when the
 * simulation ran against which rounds, so a reader sees its samples join training.
 */
final class Timeline {
  private Timeline() {}

  /**
   * Writes timeline.png and returns its img tag, or "" when there is nothing with times to draw.
   *
   * @param tasks task name -> {start, end} in Unix seconds
   */
  static String render(Path out, List<RoundRecord> history, Map<String, double[]> tasks) throws IOException {
    double t0 = Double.MAX_VALUE;
    for (RoundRecord r : history) {
      double[] span = span(r);
      if (span != null) {
        t0 = Math.min(t0, span[0]);
      }
    }
    for (double[] t : tasks.values()) {
      t0 = Math.min(t0, t[0]);
    }
    if (t0 == Double.MAX_VALUE || tasks.isEmpty()) {
      return "";
    }
    XYChart chart = new XYChartBuilder().width(640).height(360).title("rounds (bottom row) and burst tasks on one time axis")
        .xAxisTitle("seconds from the first round").yAxisTitle("").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setYAxisTicksVisible(false);
    for (RoundRecord r : history) {
      double[] span = span(r);
      if (span != null) {
        line(chart, "round " + r.round, span[0] - t0, span[1] - t0, 0);
      }
    }
    int row = 1;
    for (Map.Entry<String, double[]> t : tasks.entrySet()) {
      line(chart, t.getKey(), t.getValue()[0] - t0, t.getValue()[1] - t0, row++);
    }
    BitmapEncoder.saveBitmap(chart, out.resolve("timeline.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    return "<img src=\"timeline.png\" alt=\"rounds and burst tasks on one time axis\">";
  }

  /** A round's {start, end} in Unix seconds: it ended at completedAt after its seconds. */
  static double[] span(RoundRecord r) {
    if (r.completedAt == null || r.seconds == null) {
      return null;
    }
    double end = Instant.parse(r.completedAt).toEpochMilli() / 1000.0;
    return new double[] {end - r.seconds, end};
  }

  private static void line(XYChart chart, String name, double from, double to, int row) {
    var s = chart.addSeries(name + "#" + row, new double[] {from, Math.max(to, from + 0.01)}, new double[] {row, row});
    s.setMarker(SeriesMarkers.NONE);
    s.setLineWidth(6f);
  }
}
