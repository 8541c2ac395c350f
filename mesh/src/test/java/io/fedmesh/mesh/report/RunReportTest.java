package io.fedmesh.mesh.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html: a chart of round durations, bytes in a unit a reader takes in, every round in the table. */
class RunReportTest {
  @TempDir Path out;

  @Test
  void roundDurationAndBytesInReadableUnits() throws Exception {
    List<RoundRecord> rounds = IntStream.rangeClosed(1, 3).mapToObj(i -> {
      RoundRecord r = new RoundRecord();
      r.round = i;
      r.participants = List.of("site-a", "site-b");
      r.loss = 0.5 / i;
      r.metric = 0.6 + i / 10.0;
      r.bytes = 3L << 20; // 3 MiB
      r.seconds = 1.5 * i;
      r.overheadSeconds = 0.1;
      r.siteMetrics = java.util.Map.of("site-a", 0.5 + i / 10.0, "site-b", 0.9 - i / 10.0);
      return r;
    }).toList();
    RunSummary summary = new RunSummary("Succeeded", 3, new RunSummary.Metric("accuracy", 0.9), List.of(), List.of(), 9L << 20, 5.0,
        null, null);

    Path html = RunReport.write(out, "t", summary, rounds);

    assertThat(out.resolve("duration.png")).isNotEmptyFile();
    assertThat(out.resolve("bytes.png")).isNotEmptyFile();
    assertThat(out.resolve("sites.png")).isNotEmptyFile();
    assertThat(RunReport.siteCurves(rounds)).containsOnlyKeys("site-a", "site-b");
    assertThat(RunReport.siteCurves(rounds).get("site-b")).extracting(p -> p[1]).containsExactly(0.8, 0.7, 0.9 - 0.3);
    String text = Files.readString(html);
    assertThat(text).contains("<img src=\"duration.png\"").contains("<b>Bytes moved:</b> 9.0 MiB (9,437,184 bytes)")
        .contains("<td title=\"3,145,728 bytes\">3.0 MiB</td>");
    assertThat(text.split("<tr><td>", -1)).as("a row per round").hasSize(1 + 3);
    assertThat(text).contains("<img src=\"sites.png\"");
  }

  @Test
  void withoutSiteMetricsThereIsNoSiteChart() throws Exception {
    RoundRecord r = new RoundRecord();
    r.round = 1;
    RunSummary summary = new RunSummary("Succeeded", 1, new RunSummary.Metric("accuracy", 0.9), List.of(), List.of(), 0, 1.0, null, null);
    assertThat(Files.readString(RunReport.write(out, "t", summary, List.of(r)))).doesNotContain("sites.png");
    assertThat(out.resolve("sites.png")).doesNotExist();
  }

  @Test
  void burstsTableClassMixAndOneTimeAxisForRoundsAndTasks() throws Exception {
    List<RoundRecord> rounds = IntStream.rangeClosed(1, 2).mapToObj(i -> {
      RoundRecord r = new RoundRecord();
      r.round = i;
      r.participants = List.of("site-a");
      r.seconds = 2.0;
      r.completedAt = java.time.Instant.ofEpochSecond(1_000 + 3L * i).toString();
      return r;
    }).toList();
    RunSummary summary = new RunSummary("Succeeded", 2, new RunSummary.Metric("accuracy", 0.9), List.of(),
        List.of(new RunSummary.Site("site-a", "Ready")), 100, 5.0,
        List.of(new RunSummary.Burst("ft-sim-1", 8, 8, 0, 6.21, 0.94, "async", "Succeeded", 1200)), null);
    // a task that ran between the two rounds, in Unix seconds like the rounds' completedAt
    RunReport.write(out, "t", summary, rounds, java.util.Map.of("sim-0", new double[] {1_002.5, 1_004.0}),
        java.util.Map.of("site-a", "0: 812, 1: 301, 2: 87"));
    String text = Files.readString(out.resolve("report.html"));
    assertThat(text).contains("<h2>Bursts</h2>").contains("<td>ft-sim-1</td><td>Succeeded</td><td>8</td><td>8</td><td>0</td><td>1200</td>")
        .contains("<td>0: 812, 1: 301, 2: 87</td>").contains("<img src=\"timeline.png\"");
    assertThat(out.resolve("timeline.png")).isNotEmptyFile();
    assertThat(Timeline.span(rounds.get(0))).containsExactly(1_001.0, 1_003.0);
  }
}
