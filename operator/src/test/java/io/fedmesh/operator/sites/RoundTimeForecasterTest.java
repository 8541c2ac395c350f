package io.fedmesh.operator.sites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.api.v1alpha1.RoundForecast;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTimeForecasterTest {
  /** 10,000 samples at 2,000/s, a 1 MB model down at 8 Mbit/s, 0.25 MB up at 2 Mbit/s, 100 ms RTT. */
  static RoundTimeForecaster.Observation round(int round, double observed) {
    return new RoundTimeForecaster.Observation("default/t", round, 10_000, 2_000, 1_000_000, 8, 250_000, 2, 100, "q8", observed);
  }

  @Test
  void theForecastIsComputePlusDownloadPlusUploadAtTheMeasuredRates() {
    RoundForecast f = RoundTimeForecaster.forecast(round(1, 9.0), null);
    assertThat(f.computeSeconds).isEqualTo(5.0);
    assertThat(f.downloadSeconds).as("1 MB at 8 Mbit/s + one RTT").isEqualTo(1.1);
    assertThat(f.uploadSeconds).as("0.25 MB at 2 Mbit/s + one RTT").isEqualTo(1.1);
    assertThat(f.nextRoundSeconds).isCloseTo(7.2, within(1e-9));
    assertThat(f.encoding).isEqualTo("q8");
    assertThat(f.lastObservedSeconds).isEqualTo(9.0);
    assertThat(f.lastForecastSeconds).as("no forecast before the first round").isNull();
    assertThat(f.lastErrorSeconds).isNull();
  }

  @Test
  void eachRoundJudgesThePreviousForecast() {
    RoundForecast first = RoundTimeForecaster.forecast(round(1, 9.0), null);
    RoundForecast second = RoundTimeForecaster.forecast(round(2, 8.0), first);
    assertThat(second.lastForecastSeconds).isEqualTo(first.nextRoundSeconds);
    assertThat(second.lastErrorSeconds).as("observed 8.0 - forecast 7.2").isCloseTo(0.8, within(1e-9));
    assertThat(second.fromRound).isEqualTo(2);
  }

  @Test
  void aForecastOfAnotherTrainingIsNotJudgedAgainstThisOne() {
    RoundForecast other = RoundTimeForecaster.forecast(new RoundTimeForecaster.Observation("default/other", 4, 1, 1, 1, 1, 1, 1, 1, "f32", 1),
        null);
    assertThat(RoundTimeForecaster.forecast(round(1, 9.0), other).lastErrorSeconds).isNull();
  }

  @Test
  void aLegNotMeasuredYetIsLeftOutRatherThanGuessed() {
    RoundForecast f = RoundTimeForecaster.forecast(new RoundTimeForecaster.Observation("default/t", 1, 10_000, 0, 1_000_000, 0, 250_000,
        2, -1, "f32", Double.NaN), null);
    assertThat(f.computeSeconds).isNull();
    assertThat(f.downloadSeconds).isNull();
    assertThat(f.rttMs).isNull();
    assertThat(f.uploadSeconds).isEqualTo(1.0);
    assertThat(f.nextRoundSeconds).isEqualTo(1.0);
    assertThat(f.lastObservedSeconds).isNull();
  }

  @Test
  void siteForecastsKeepTheLatestPerSiteAndTellTheListeners() {
    SiteForecasts forecasts = new SiteForecasts();
    List<String> heard = new ArrayList<>();
    forecasts.onForecast((site, f) -> heard.add(site + " " + f.fromRound));
    forecasts.observed("default/site-a", round(1, 9.0));
    RoundForecast second = forecasts.observed("default/site-a", round(2, 8.0));
    forecasts.observed("default/site-b", round(1, 3.0));
    assertThat(heard).containsExactly("default/site-a 1", "default/site-a 2", "default/site-b 1");
    assertThat(second.lastErrorSeconds).isNotNull();
    assertThat(forecasts.latest("default/site-b").orElseThrow().lastErrorSeconds).as("site-b has no earlier forecast").isNull();
  }
}
