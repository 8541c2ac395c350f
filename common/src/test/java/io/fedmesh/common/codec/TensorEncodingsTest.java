package io.fedmesh.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.TensorLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorEncodingsTest {
  /** A convolution's weights (small values), its bias, and a batch-norm variance (large values) beside them. */
  static final TensorLayout LAYOUT = new TensorLayout(List.of(
      new TensorLayout.Tensor("conv.weight", new long[] {64, 32, 3, 3}),
      new TensorLayout.Tensor("conv.bias", new long[] {64}),
      new TensorLayout.Tensor("bn.runningVar", new long[] {2048})));

  static float[] weights() {
    SplittableRandom r = new SplittableRandom(7);
    float[] w = new float[(int) LAYOUT.parameterCount()];
    for (int i = 0; i < w.length; i++) {
      w[i] = i < 18_432 ? (float) (r.nextGaussian() * 0.02) : i < 18_496 ? (float) r.nextGaussian() * 0.1f
          : 50 + (float) r.nextDouble() * 400;
    }
    return w;
  }

  @Test
  void smallTensorsStayF32AndTheRestTakeTheAskedEncoding() {
    assertThat(TensorEncodings.choose(weights(), LAYOUT, UpdateEncoding.Q8))
        .containsExactly(UpdateEncoding.Q8, UpdateEncoding.F32, UpdateEncoding.Q8);
    assertThat(TensorEncodings.describe(UpdateEncoding.Q8, List.of(UpdateEncoding.Q8, UpdateEncoding.F32, UpdateEncoding.Q8)))
        .isEqualTo("q8 per tensor, 1 of 3 tensors f32");
  }

  @Test
  void aTensorF16CannotCarryGoesF32AloneNotTheWholeUpdate() {
    float[] w = weights();
    w[w.length - 1] = 1e6f; // above fp16's 65504
    assertThat(TensorEncodings.choose(w, LAYOUT, UpdateEncoding.F16))
        .containsExactly(UpdateEncoding.F16, UpdateEncoding.F32, UpdateEncoding.F32);
  }

  @Test
  void perTensorQ8IsFarCloserThanOneRunOfBlocksAcrossTensors() {
    float[] w = weights();
    List<UpdateEncoding> enc = TensorEncodings.choose(w, LAYOUT, UpdateEncoding.Q8);
    byte[] bytes = TensorEncodings.encode(w, LAYOUT, enc);
    assertThat(bytes).hasSize((int) TensorEncodings.encodedSize(LAYOUT, enc));
    float[] perTensor = TensorEncodings.decode(bytes, LAYOUT, enc);
    float[] whole = UpdateCodec.decode(UpdateCodec.encode(w, UpdateEncoding.Q8), UpdateEncoding.Q8, w.length);
    // the bias is exact, and the block that spans the bias and the variances no longer quantises the bias to their scale
    for (int i = 18_432; i < 18_496; i++) {
      assertThat(perTensor[i]).isEqualTo(w[i]);
    }
    assertThat(maxError(w, perTensor, 16_384, 18_496)).isLessThan(maxError(w, whole, 16_384, 18_496) / 10);
    assertThat(maxError(w, perTensor, 0, w.length)).isLessThan(1.0); // 400 / 255 / 2 at most in the variances
    // and costs only the fp32 bias and one more block header
    assertThat(bytes.length).isLessThan(UpdateCodec.encode(w, UpdateEncoding.Q8).length + 3 * 64 + 16);
  }

  @Test
  void aPeersListThatDoesNotFitTheLayoutIsRefusedByName() {
    assertThat(TensorEncodings.problem(LAYOUT, List.of(UpdateEncoding.Q8))).contains("1 entries", "3 tensors");
    assertThat(TensorEncodings.problem(LAYOUT, List.of(UpdateEncoding.Q8, UpdateEncoding.TOPK, UpdateEncoding.F32)))
        .contains("tensor_encodings[1]", "TOPK");
    List<UpdateEncoding> enc = List.of(UpdateEncoding.F16, UpdateEncoding.F32, UpdateEncoding.F16);
    byte[] short1 = new byte[(int) TensorEncodings.encodedSize(LAYOUT, enc) - 1];
    assertThatThrownBy(() -> TensorEncodings.decode(short1, LAYOUT, enc)).hasMessageContaining("bytes");
  }

  private static double maxError(float[] a, float[] b, int from, int to) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
