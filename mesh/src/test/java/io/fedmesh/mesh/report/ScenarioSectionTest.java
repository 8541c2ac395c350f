package io.fedmesh.mesh.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.RoundForecast;
import io.fedmesh.mesh.wan.ScenarioPlayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioSectionTest {
  @TempDir Path tmp;

  @Test
  void theEventsAreDrawnOverTheRoundsAndEachSitesForecastIsListed() throws Exception {
    List<RoundRecord> history = List.of(round(1, 4.0), round(2, 9.5), round(3, 5.0));
    List<ScenarioPlayer.Applied> events = List.of(new ScenarioPlayer.Applied(12.3, 2, "partition", "site-1 cut off for 20 s"),
        new ScenarioPlayer.Applied(32.3, 3, "heal", "site-1 reconnected"));
    EdgeSite site = new EdgeSite();
    site.setMetadata(new ObjectMetaBuilder().withName("site-1").build());
    site.setStatus(new EdgeSiteStatus());
    RoundForecast f = new RoundForecast();
    f.fromRound = 3;
    f.samplesPerSecond = 812.5;
    f.nextRoundSeconds = 6.25;
    f.lastForecastSeconds = 4.5;
    f.lastObservedSeconds = 5.0;
    f.lastErrorSeconds = 0.5;
    site.getStatus().roundForecast = f;

    String html = ScenarioSection.write(tmp, "flaky <1>", "jitter & flaps", events, history, List.of(site));

    assertThat(tmp.resolve("scenario.png")).isNotEmptyFile();
    assertThat(html).contains("WAN scenario: flaky &lt;1&gt;").contains("jitter &amp; flaps")
        .contains("<tr><td>12.3</td><td>2</td><td>partition</td>").contains("site-1 reconnected")
        .contains("<td>site-1</td><td>3</td><td>812.50</td>").contains("<td>6.25</td><td>4.50</td><td>5.00</td><td>0.50</td>");
    JsonNode json = new ObjectMapper().readTree(Files.readString(tmp.resolve("scenario.json")));
    assertThat(json.get("events")).hasSize(2);
    assertThat(json.get("events").get(0).get("round").asInt()).isEqualTo(2);
    assertThat(json.get("forecasts").get("site-1").get("lastErrorSeconds").asDouble()).isEqualTo(0.5);
  }

  private static RoundRecord round(int n, double seconds) {
    RoundRecord r = new RoundRecord();
    r.round = n;
    r.seconds = seconds;
    return r;
  }
}
