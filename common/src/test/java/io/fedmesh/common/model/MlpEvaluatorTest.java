package io.fedmesh.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.common.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpEvaluatorTest {

  @Test
  void parameterCountFollowsLayers() {
    MlpSpec spec = new MlpSpec(new int[] {8, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    assertThat(spec.parameterCount()).isEqualTo(8 * 16 + 16 + 16 * 3 + 3);
    assertThat(MlpSpec.fromProto(spec.toProto())).isEqualTo(spec);
  }

  @Test
  void initializationIsDeterministicAndBiasesStartAtZero() {
    MlpSpec spec = new MlpSpec(new int[] {4, 3, 2}, Activation.TANH, TaskKind.CLASSIFICATION);
    float[] a = MlpParameters.initialize(spec, 42);
    assertThat(MlpParameters.initialize(spec, 42)).containsExactly(a);
    assertThat(MlpParameters.initialize(spec, 43)).isNotEqualTo(a);
    // layer 1 bias: after 4*3 weights
    assertThat(a[12]).isZero();
    assertThat(a[13]).isZero();
    assertThat(a[14]).isZero();
  }

  @Test
  void forwardPassUsesWeightOutByInThenBias() {
    // one linear layer 2 -> 2: W = [[1, 2], [3, 4]] (row = output), b = [0.5, -0.5]
    MlpSpec spec = new MlpSpec(new int[] {2, 2}, Activation.RELU, TaskKind.CLASSIFICATION);
    float[] params = {1, 2, 3, 4, 0.5f, -0.5f};
    // x = [1, 1] -> logits [3.5, 6.5] -> class 1
    Dataset d = new Dataset(Path.of("t"), List.of("a", "b"), 1, 2, new float[] {1, 1}, new float[] {1}, 2);
    Evaluation e = MlpEvaluator.evaluate(spec, params, d);
    assertThat(e.metric()).isEqualTo(1.0);
    double expectedLoss = -(6.5 - 6.5 - Math.log(Math.exp(3.5 - 6.5) + 1));
    assertThat(e.loss()).isCloseTo(expectedLoss, within(1e-6));
  }

  @Test
  void hiddenActivationIsAppliedButNotOnTheOutput() {
    // 1 -> 1 -> 1 regression: h = relu(-1 * x), y = 2h + 1
    MlpSpec spec = new MlpSpec(new int[] {1, 1, 1}, Activation.RELU, TaskKind.REGRESSION);
    float[] params = {-1, 0, 2, 1};
    Dataset d = new Dataset(Path.of("t"), List.of("x"), 2, 1, new float[] {-3, 3}, new float[] {7, 1}, 0);
    Evaluation e = MlpEvaluator.evaluate(spec, params, d);
    assertThat(e.metricName()).isEqualTo("mse");
    assertThat(e.metric()).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void widthMismatchNamesBothSides() {
    MlpSpec spec = new MlpSpec(new int[] {3, 2}, Activation.RELU, TaskKind.CLASSIFICATION);
    Dataset d = new Dataset(Path.of("site.csv"), List.of("a", "b"), 1, 2, new float[] {1, 1}, new float[] {0}, 2);
    assertThatThrownBy(() -> MlpEvaluator.evaluate(spec, new float[8], d))
        .hasMessageContaining("site.csv has 2 feature columns but the model expects 3");
  }
}
