package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.data.Dataset;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {
  static Dataset rows(int n) {
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i; // the feature is the row's identity
      y[i] = i % 3;
    }
    return new Dataset(Path.of("d"), List.of("id"), n, 1, x, y, 3);
  }

  static Set<Float> ids(Dataset d) {
    Set<Float> s = new HashSet<>();
    for (float v : d.x()) {
      s.add(v);
    }
    return s;
  }

  @Test
  void theSameSeedHoldsOutTheSameSamplesAndNoneIsBothTrainedAndHeldOut() {
    HoldoutSplit a = HoldoutSplit.of(rows(1000), 0.1, 7);
    HoldoutSplit b = HoldoutSplit.of(rows(1000), 0.1, 7);
    assertThat(a.heldOut().rows()).isEqualTo(100);
    assertThat(a.train().rows()).isEqualTo(900);
    assertThat(ids(a.heldOut())).isEqualTo(ids(b.heldOut()));
    assertThat(ids(a.heldOut())).doesNotContainAnyElementsOf(ids(a.train()));
    assertThat(ids(HoldoutSplit.of(rows(1000), 0.1, 8).heldOut())).isNotEqualTo(ids(a.heldOut()));
  }

  @Test
  void aTinySiteStillTrainsOnSomethingAndABadFractionIsRefused() {
    HoldoutSplit two = HoldoutSplit.of(rows(2), 0.5, 1);
    assertThat(two.train().rows()).isEqualTo(1);
    assertThat(two.heldOut().rows()).isEqualTo(1);
    assertThat(HoldoutSplit.of(rows(5), 0.01, 1).heldOut().rows()).isEqualTo(1);
    assertThatThrownBy(() -> HoldoutSplit.of(rows(5), 1.0, 1)).hasMessageContaining("above 0 and below 1");
  }
}
