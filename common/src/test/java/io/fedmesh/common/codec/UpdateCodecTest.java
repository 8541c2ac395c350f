package io.fedmesh.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UpdateCodecTest {

  private static float[] randomWeights(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 0.1);
    }
    return v;
  }

  @Test
  void f32IsExact() {
    float[] v = randomWeights(10_001, 1);
    assertThat(UpdateCodec.decode(UpdateCodec.encode(v, UpdateEncoding.F32), UpdateEncoding.F32, v.length)).containsExactly(v);
  }

  @Test
  void f16KeepsThreeSignificantDigits() {
    float[] v = randomWeights(5000, 2);
    float[] back = UpdateCodec.decode(UpdateCodec.encode(v, UpdateEncoding.F16), UpdateEncoding.F16, v.length);
    for (int i = 0; i < v.length; i++) {
      assertThat(back[i]).isCloseTo(v[i], within(Math.abs(v[i]) * 1e-3f + 1e-6f));
    }
  }

  @Test
  void q8ErrorIsBoundedByHalfAStepPerBlock() {
    float[] v = randomWeights(3 * UpdateCodec.Q8_BLOCK + 17, 3);
    float[] back = UpdateCodec.decode(UpdateCodec.encode(v, UpdateEncoding.Q8), UpdateEncoding.Q8, v.length);
    for (int start = 0; start < v.length; start += UpdateCodec.Q8_BLOCK) {
      int end = Math.min(v.length, start + UpdateCodec.Q8_BLOCK);
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int i = start; i < end; i++) {
        min = Math.min(min, v[i]);
        max = Math.max(max, v[i]);
      }
      float halfStep = (max - min) / 255f / 2 + 1e-6f;
      for (int i = start; i < end; i++) {
        assertThat(back[i]).isCloseTo(v[i], within(halfStep));
      }
    }
  }

  @Test
  void q8HandlesConstantBlocks() {
    float[] v = new float[100];
    java.util.Arrays.fill(v, 0.25f);
    assertThat(UpdateCodec.decode(UpdateCodec.encode(v, UpdateEncoding.Q8), UpdateEncoding.Q8, v.length)).containsOnly(0.25f);
  }

  @ParameterizedTest
  @EnumSource(value = UpdateEncoding.class, names = "TOPK", mode = EnumSource.Mode.EXCLUDE) // sized by its values: SparseDeltaTest
  void encodedSizeMatchesAndShrinks(UpdateEncoding enc) {
    float[] v = randomWeights(10_000, 4);
    byte[] bytes = UpdateCodec.encode(v, enc);
    assertThat((long) bytes.length).isEqualTo(UpdateCodec.encodedSize(v.length, enc));
    assertThat(bytes.length).isLessThanOrEqualTo(4 * v.length);
    assertThat(UpdateEncoding.fromProto(enc.toProto())).isEqualTo(enc);
  }

  @Test
  void wrongLengthIsRejectedWithSizes() {
    assertThatThrownBy(() -> UpdateCodec.decode(new byte[7], UpdateEncoding.F32, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 8 bytes");
  }

  @Test
  void digestDependsOnEveryValue() {
    float[] v = randomWeights(1000, 5);
    String d = Digests.sha256(v);
    v[999] += 1e-3f;
    assertThat(Digests.sha256(v)).startsWith("sha256:").isNotEqualTo(d);
  }
}
