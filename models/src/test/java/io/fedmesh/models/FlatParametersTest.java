package io.fedmesh.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import org.junit.jupiter.api.Test;

class FlatParametersTest {
  private static final ModelDescription MLP = ModelDescription.of(new MlpSpec(new int[] {5, 7, 3}, Activation.RELU, TaskKind.CLASSIFICATION));

  private static float[] distinct(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = i * 0.001f - 0.02f;
    }
    return w;
  }

  @Test
  void everyTensorGetsItsOwnSliceOfTheFlatArray() {
    try (BuiltNetwork n = BuiltNetwork.build(MLP, 1, Device.cpu())) {
      float[] w = distinct(n.weights().length);
      n.load(w);
      assertThat(n.weights()).containsExactly(w);
    }
  }

  @Test
  void aWriteWhileGradientsAreRecordedSucceedsAndLeavesThemRecorded() {
    try (BuiltNetwork n = BuiltNetwork.build(MLP, 1, Device.cpu());
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      assertThat(JniUtils.isGradMode()).isTrue();
      float[] w = distinct(n.weights().length);
      n.load(w);
      assertThat(n.weights()).containsExactly(w);
      assertThat(JniUtils.isGradMode()).isTrue();
      assertThat(n.parameters()).allMatch(p -> p.getArray().hasGradient());
    }
  }
}
