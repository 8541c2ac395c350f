package io.fedmesh.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParticipantSelectorTest {
  static ParticipantSelector.Candidate c(String site, long completed, long missed) {
    return new ParticipantSelector.Candidate(site, 1000, 20, 100, completed, missed);
  }

  @Test
  void countHonoursFractionMinAndMax() {
    assertThat(ParticipantSelector.count(10, 2, null, 0.5)).isEqualTo(5);
    assertThat(ParticipantSelector.count(10, 7, null, 0.5)).isEqualTo(7);
    assertThat(ParticipantSelector.count(10, 2, 3, 1.0)).isEqualTo(3);
    assertThat(ParticipantSelector.count(2, 3, null, 1.0)).isEqualTo(2);
  }

  @Test
  void prefersReliableSitesAndIsDeterministic() {
    List<ParticipantSelector.Candidate> eligible = List.of(c("flaky", 0, 10), c("solid-a", 10, 0), c("solid-b", 10, 0));
    ParticipantSelector s = new ParticipantSelector();
    List<String> picked = s.select(eligible, 1, 2, 1.0, 7);
    assertThat(picked).containsExactly("solid-a", "solid-b");
    assertThat(s.select(eligible, 1, 2, 1.0, 7)).isEqualTo(picked);
  }

  @Test
  void labelSelectorsFollowKubernetesSemantics() {
    var sel = new LabelSelectorBuilder().addToMatchLabels("tier", "factory")
        .addNewMatchExpression().withKey("zone").withOperator("In").withValues("a", "b").endMatchExpression()
        .addNewMatchExpression().withKey("quarantine").withOperator("DoesNotExist").endMatchExpression().build();
    assertThat(LabelSelectors.matches(sel, Map.of("tier", "factory", "zone", "a"))).isTrue();
    assertThat(LabelSelectors.matches(sel, Map.of("tier", "factory", "zone", "c"))).isFalse();
    assertThat(LabelSelectors.matches(sel, Map.of("tier", "factory", "zone", "a", "quarantine", "y"))).isFalse();
    assertThat(LabelSelectors.matches(null, Map.of())).isTrue();
  }
}
