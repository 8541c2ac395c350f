package io.fedmesh.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.FeatureScaling;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.scaling: an affine map around the bare MLP that changes neither its tensors nor, at identity, its answers. */
class ScaledSequentialBlockTest {
  static final ModelDescription BARE = ModelDescription.of(new ModelDescription(ArchitectureType.MLP, new int[] {2}, 1,
      TaskKind.REGRESSION, new int[] {4}, Activation.TANH, List.of(), 0, 0, null).mlp());

  @Test
  void theScaledNetworkIsTheBareOneOnScaledInputsWithAScaledOutput() {
    FeatureScaling s = new FeatureScaling(new float[] {10f, -1f}, new float[] {2f, 0.5f}, 3f, 0.1f);
    ModelDescription scaled = BARE.withScaling(s);
    float[] w = InitialModel.of(BARE, 7).weights();
    float[] x = {12f, -1.5f, 10f, -1f, 4f, 2f};
    float[] bareOnScaled = ModelEvaluator.predict(BARE, w, new float[] {1f, -1f, 0f, 0f, -3f, 6f}, 3);
    float[] out = ModelEvaluator.predict(scaled, w, x, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(out[i]).isCloseTo(3f + 0.1f * bareOnScaled[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
    try (BuiltNetwork a = BuiltNetwork.build(BARE, 1, ai.djl.Device.cpu()); BuiltNetwork b = BuiltNetwork.build(scaled, 1, ai.djl.Device.cpu())) {
      assertThat(b.layout()).as("same tensors, same names: updates and checkpoints are unchanged").isEqualTo(a.layout());
    }
  }

  @Test
  void scalingTravelsInTheModelSpec() {
    FeatureScaling s = new FeatureScaling(new float[] {1f, 2f}, new float[] {3f, 4f}, 0.5f, 2f);
    ModelDescription d = BARE.withScaling(s);
    assertThat(ModelDescription.fromProto(d.toProto()).scaling()).isEqualTo(s);
    assertThat(ModelDescription.fromProto(BARE.toProto()).scaling().isIdentity()).as("an older operator's spec: no scaling").isTrue();
  }
}
