package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteQuarantineTest {
  @Test
  void consecutiveRefusalsQuarantineForTheConfiguredRounds() {
    SiteQuarantine q = new SiteQuarantine();
    assertThat(q.afterRound(1, Map.of("x", "norm"), Set.of("a"), 3, 2, s -> 1L)).isEmpty();
    assertThat(q.afterRound(2, Map.of("x", "norm"), Set.of("a"), 3, 2, s -> 1L)).isEmpty();
    var added = q.afterRound(3, Map.of("x", "norm 9 above 3"), Set.of("a"), 3, 2, s -> 1L);
    assertThat(added).singleElement().satisfies(e -> {
      assertThat(e.untilRound()).isEqualTo(6); // sits out rounds 4 and 5
      assertThat(e.reason()).contains("3 consecutive rounds").contains("round 3: norm 9 above 3");
    });
    assertThat(q.holds("x")).isTrue();
    assertThat(q.release(5, s -> 1L)).isEmpty();
    assertThat(q.release(6, s -> 1L)).containsExactly("x");
    assertThat(q.holds("x")).isFalse();
  }

  @Test
  void anAcceptedUpdateResetsTheCount() {
    SiteQuarantine q = new SiteQuarantine();
    q.afterRound(1, Map.of("x", "r"), Set.of(), 2, 5, s -> 1L);
    q.afterRound(2, Map.of(), Set.of("x"), 2, 5, s -> 1L);
    assertThat(q.afterRound(3, Map.of("x", "r"), Set.of(), 2, 5, s -> 1L)).isEmpty();
    assertThat(q.holds("x")).isFalse();
  }

  @Test
  void withoutARoundCountOnlyARespecifiedEdgeSiteComesBack() {
    SiteQuarantine q = new SiteQuarantine();
    q.afterRound(1, Map.of("x", "r"), Set.of(), 1, 0, s -> 4L);
    assertThat(q.release(1000, s -> 4L)).isEmpty();
    assertThat(q.release(1001, s -> 5L)).containsExactly("x");
  }
}
