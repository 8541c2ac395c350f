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

  @Test
  void aRestartedOperatorRebuildsTheQuarantinesAndTheCountsFromStatus() {
    SiteQuarantine before = new SiteQuarantine();
    before.afterRound(1, Map.of("x", "r"), Set.of("a"), 1, 0, s -> 7L);
    io.fedmesh.api.v1alpha1.FederatedTrainingStatus st = new io.fedmesh.api.v1alpha1.FederatedTrainingStatus();
    st.quarantined = before.toStatus();
    st.history = new java.util.ArrayList<>();
    // y: refused in rounds 1 and 3, delivered in 2, silent in 4 (refusals before a delivery do not count)
    st.history.add(round(1, java.util.List.of("a"), "y"));
    st.history.add(round(2, java.util.List.of("a", "y"), null));
    st.history.add(round(3, java.util.List.of("a"), "y"));
    st.history.add(round(4, java.util.List.of("a"), null));
    SiteQuarantine after = new SiteQuarantine();
    after.restore(st);
    assertThat(after.holds("x")).isTrue();
    assertThat(after.toStatus()).singleElement().satisfies(q -> assertThat(q.edgeSiteGeneration).isEqualTo(7L));
    // one refusal counted for y: a second one in a row quarantines it at quarantineAfter 2
    assertThat(after.afterRound(5, Map.of("y", "r"), Set.of("a"), 2, 3, s -> 1L)).singleElement()
        .satisfies(e -> assertThat(e.site()).isEqualTo("y"));
    assertThat(after.release(1000, s -> 8L)).contains("x");
  }

  static io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord round(int n, java.util.List<String> delivered, String refused) {
    var h = new io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord();
    h.round = n;
    h.participants = delivered;
    if (refused != null) {
      h.refused = java.util.List.of(new io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Refusal(refused, "norm"));
    }
    return h;
  }
}
