package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.BufferedAsyncProgress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The staleness histogram, its percentiles and the pace, by hand. */
class BufferedProgressTest {
  @Test
  void foldsAddUpInTheHistogramAndItsPercentiles() {
    Instant t0 = Instant.parse("2026-12-03T07:00:00Z");
    BufferedAsyncProgress p1 = BufferedProgress.afterFold(null, List.of(0, 0, 2), 1, 1, t0, t0.plusSeconds(30));
    assertThat(p1.stalenessHistogram).containsExactly(3L - 1, 0L, 1L);
    assertThat(p1.foldedUpdates).isEqualTo(3);
    assertThat(p1.staleRefused).isEqualTo(1);
    assertThat(p1.versionsPerMinute).isEqualTo(2.0); // one version in half a minute
    BufferedAsyncProgress p2 = BufferedProgress.afterFold(p1, List.of(1, 0, 4), 0, 2, t0, t0.plusSeconds(120));
    // staleness 0,0,2,1,0,4: histogram [3,1,1,0,1]; p50 is the 3rd of 6 -> 0, p90 the 6th (ceil 5.4) -> 4
    assertThat(p2.stalenessHistogram).containsExactly(3L, 1L, 1L, 0L, 1L);
    assertThat(p2.stalenessP50).isZero();
    assertThat(p2.stalenessP90).isEqualTo(4);
    assertThat(p2.stalenessMax).isEqualTo(4);
    assertThat(p2.foldedUpdates).isEqualTo(6);
    assertThat(p2.staleRefused).isEqualTo(1);
    assertThat(p2.versionsPerMinute).isEqualTo(1.0);
  }

  @Test
  void percentileOfNothingIsAbsent() {
    assertThat(BufferedProgress.percentile(List.of(), 0.5)).isNull();
    assertThat(BufferedProgress.percentile(List.of(0L, 2L), 0.5)).isEqualTo(1);
  }
}
