package io.fedmesh.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseDeltaTest {
  @Test
  void keepsTheLargestMagnitudesAndAddsThemToTheBaseExactly() {
    float[] delta = {0.1f, -5f, 0f, 3f, -0.2f, 4f};
    byte[] bytes = SparseDelta.encode(delta, 3);
    assertThat(bytes).hasSize(24);
    float[] base = {1, 1, 1, 1, 1, 1};
    SparseDelta.addTo(base, bytes, 3);
    assertThat(base).containsExactly(1f, -4f, 1f, 4f, 1f, 5f);
  }

  @Test
  void tiesAtTheThresholdGoToTheLowerIndicesAndAllZerosStillCarryK() {
    float[] dense = SparseDelta.toDense(SparseDelta.encode(new float[] {1, 2, 2, 2, 0}, 2), 2, 5);
    assertThat(dense).containsExactly(0f, 2f, 2f, 0f, 0f);
    assertThat(SparseDelta.encode(new float[8], 3)).hasSize(24);
    assertThat(SparseDelta.toDense(SparseDelta.encode(new float[8], 3), 3, 8)).containsOnly(0f);
  }

  @Test
  void quickselectAgreesWithSortingOnRandomAndRepetitiveData() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(300);
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = trial % 3 == 0 ? r.nextInt(4) - 2 : (float) r.nextGaussian();
      }
      int k = 1 + r.nextInt(n);
      float[] sorted = new float[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = Math.abs(x[i]);
      }
      java.util.Arrays.sort(sorted);
      assertThat(SparseDelta.kthLargestMagnitude(x, k)).isEqualTo(sorted[n - k]);
      // and exactly k entries are kept, each at least the threshold
      float[] dense = SparseDelta.toDense(SparseDelta.encode(x, k), k, n);
      int kept = 0;
      for (int i = 0; i < n; i++) {
        if (dense[i] != 0 || x[i] == 0 && isSent(SparseDelta.encode(x, k), k, i)) {
          kept++;
          assertThat(Math.abs(x[i])).isGreaterThanOrEqualTo(sorted[n - k]);
        }
      }
      assertThat(kept).isEqualTo(k);
    }
  }

  private static boolean isSent(byte[] bytes, int k, int index) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < k; j++) {
      if (b.getInt(4 * j) == index) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theFractionGivesCeilAtLeastOneAndAtMostHalf() {
    assertThat(SparseDelta.valuesFor(1000, 0.01)).isEqualTo(10);
    assertThat(SparseDelta.valuesFor(1001, 0.01)).isEqualTo(11);
    assertThat(SparseDelta.valuesFor(10, 0.0001)).isEqualTo(1);
    assertThat(SparseDelta.valuesFor(17, 0.5)).isEqualTo(8);
    assertThatThrownBy(() -> SparseDelta.valuesFor(10, 0.6)).hasMessageContaining("topk_fraction must be in (0, 0.5]");
    assertThatThrownBy(() -> SparseDelta.valuesFor(10, 0)).hasMessageContaining("topk_fraction");
  }

  @Test
  void hostilePayloadsAreRefusedNamingTheEntry() {
    float[] base = new float[10];
    byte[] good = SparseDelta.encode(new float[] {0, 1, 0, 2, 0, 0, 0, 0, 0, 3}, 3);
    assertThatThrownBy(() -> SparseDelta.addTo(base, java.util.Arrays.copyOf(good, 23), 3)).hasMessageContaining("expected 24 bytes");
    assertThatThrownBy(() -> SparseDelta.addTo(base, good, 11)).hasMessageContaining("sparse_values must be in [1, 10]");
    assertThatThrownBy(() -> SparseDelta.addTo(base, new byte[0], 0)).hasMessageContaining("sparse_values");
    ByteBuffer b = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4, 1); // index 1 repeats index 0
    assertThatThrownBy(() -> SparseDelta.addTo(new float[10], b.array(), 3)).hasMessageContaining("top-k index 1 is 1");
    b.putInt(4, 3).putInt(8, 10);
    assertThatThrownBy(() -> SparseDelta.addTo(new float[10], b.array(), 3)).hasMessageContaining("top-k index 2 is 10");
    b.putInt(8, -1);
    assertThatThrownBy(() -> SparseDelta.addTo(new float[10], b.array(), 3)).hasMessageContaining("top-k index 2 is -1");
    b.putInt(8, 9).putFloat(12 + 4, Float.POSITIVE_INFINITY);
    assertThatThrownBy(() -> SparseDelta.addTo(new float[10], b.array(), 3)).hasMessageContaining("top-k value 1 (parameter 3) is Infinity");
  }

  @Test
  void randomBytesEitherRefuseOrChangeOnlyTheNamedCoordinatesByFiniteAmounts() {
    SplittableRandom r = new SplittableRandom(11);
    int accepted = 0;
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(64);
      int k = 1 + r.nextInt(n);
      byte[] data = new byte[8 * k];
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int index = r.nextInt(3) - 1;
      for (int j = 0; j < k; j++) {
        index += r.nextInt(4) - (trial % 5 == 0 ? 1 : 0); // mostly ascending, sometimes not
        b.putInt(4 * j, index);
        b.putFloat(4 * k + 4 * j, trial % 7 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian());
      }
      float[] base = new float[n];
      try {
        SparseDelta.addTo(base, data, k);
      } catch (IllegalArgumentException refused) {
        continue;
      }
      accepted++;
      for (float v : base) {
        assertThat(v).isFinite();
      }
    }
    assertThat(accepted).as("the generator also makes valid payloads").isGreaterThan(50);
  }
}
