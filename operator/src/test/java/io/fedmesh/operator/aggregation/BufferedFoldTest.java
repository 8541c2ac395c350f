package io.fedmesh.operator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.BufferedAsync.StalenessWeighting;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FedBuff's staleness weights and fold, with values worked out by hand. */
class BufferedFoldTest {
  @Test
  void polynomialWeightIsOneOverTheRootOfOnePlusStaleness() {
    assertThat(BufferedFold.weight(StalenessWeighting.Polynomial, 0)).isEqualTo(1.0);
    assertThat(BufferedFold.weight(StalenessWeighting.Polynomial, 3)).isEqualTo(0.5); // 1/sqrt(4)
    assertThat(BufferedFold.weight(StalenessWeighting.Polynomial, 8)).isCloseTo(1 / 3.0, within(1e-12)); // 1/sqrt(9)
    assertThat(BufferedFold.weight(StalenessWeighting.Constant, 7)).isEqualTo(1.0);
    assertThatThrownBy(() -> BufferedFold.weight(StalenessWeighting.Polynomial, -1)).hasMessageContaining("negative");
  }

  @Test
  void freshUpdatesFoldExactlyAsFedAvg() {
    float[] global = {1f, 2f};
    var a = new ClientUpdate("a", new float[] {3f, 2f}, 100, 0.1, 0.9, 8);
    var b = new ClientUpdate("b", new float[] {1f, 6f}, 300, 0.1, 0.9, 8);
    List<BufferedFold.Buffered> buffered = List.of(new BufferedFold.Buffered(a, global, 0), new BufferedFold.Buffered(b, global, 0));
    float[] folded = new FedAvgStrategy().aggregate(global, BufferedFold.rebased(global, buffered, StalenessWeighting.Polynomial));
    // FedAvg: (100*3 + 300*1)/400 = 1.5 ; (100*2 + 300*6)/400 = 5
    assertThat(folded[0]).isCloseTo(1.5f, within(1e-6f));
    assertThat(folded[1]).isCloseTo(5f, within(1e-6f));
    assertThat(BufferedFold.shares(buffered, StalenessWeighting.Polynomial)).containsExactly(0.25, 0.75);
  }

  @Test
  void aStaleUpdateMovesTheNewestModelByItsOwnChangeDamped() {
    float[] old = {0f, 0f}; // the version site b trained from, 3 versions ago
    float[] global = {1f, 1f}; // the newest version
    var a = new ClientUpdate("a", new float[] {2f, 1f}, 100, 0.1, 0.9, 8); // fresh: change (+1, 0)
    var b = new ClientUpdate("b", new float[] {0f, 4f}, 100, 0.1, 0.9, 8); // stale 3: change (0, +4), weight 1/2
    List<BufferedFold.Buffered> buffered = List.of(new BufferedFold.Buffered(a, global, 0), new BufferedFold.Buffered(b, old, 3));
    List<ClientUpdate> rebased = BufferedFold.rebased(global, buffered, StalenessWeighting.Polynomial);
    assertThat(rebased.get(0).weights()).containsExactly(2f, 1f);
    assertThat(rebased.get(1).weights()).containsExactly(1f, 3f); // (1,1) + 0.5 * (0, 4)
    float[] folded = new FedAvgStrategy().aggregate(global, rebased);
    // global + (0.5 * (1, 0) * 1) + (0.5 * (0, 4) * 0.5) = (1.5, 2)
    assertThat(folded[0]).isCloseTo(1.5f, within(1e-6f));
    assertThat(folded[1]).isCloseTo(2f, within(1e-6f));
    assertThat(BufferedFold.shares(buffered, StalenessWeighting.Polynomial)).containsExactly(0.5, 0.25);
    // Constant: both changes count fully, (1,1) + 0.5*(1,0) + 0.5*(0,4) = (1.5, 3)
    float[] constant = new FedAvgStrategy().aggregate(global, BufferedFold.rebased(global, buffered, StalenessWeighting.Constant));
    assertThat(constant[1]).isCloseTo(3f, within(1e-6f));
  }

  @Test
  void aBaseOfTheWrongShapeIsRefused() {
    var a = new ClientUpdate("a", new float[] {2f, 1f}, 100, 0.1, 0.9, 8);
    assertThatThrownBy(() -> BufferedFold.rebased(new float[] {1f, 1f}, List.of(new BufferedFold.Buffered(a, new float[3], 1)),
        StalenessWeighting.Polynomial)).hasMessageContaining("update from a").hasMessageContaining("its base 3");
  }
}
