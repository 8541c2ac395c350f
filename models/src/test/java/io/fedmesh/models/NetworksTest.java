package io.fedmesh.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.MlpEvaluator;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworksTest {
  static ModelDescription cnn() {
    return new ModelDescription(ArchitectureType.CNN, new int[] {1, 28, 28}, 10, TaskKind.CLASSIFICATION,
        ModelDescription.DEFAULT_CNN_HEAD, Activation.RELU, ModelDescription.DEFAULT_CONV, 0, 0, null);
  }

  static ModelDescription resnet(int[] shape, int depth, int width) {
    return new ModelDescription(ArchitectureType.RESNET, shape, 10, TaskKind.CLASSIFICATION, new int[0], Activation.RELU, List.of(),
        depth, width, null);
  }

  @Test
  void theMlpLayoutTheOperatorComputesIsTheOneDjlBuilds() {
    MlpSpec mlp = new MlpSpec(new int[] {8, 16, 4, 3}, Activation.TANH, TaskKind.CLASSIFICATION);
    ModelDescription analytic = ModelDescription.of(mlp);
    InitialModel built = InitialModel.of(analytic, 7);
    assertThat(built.description().layout()).isEqualTo(analytic.layout());
    assertThat(built.weights()).hasSize((int) mlp.parameterCount());
  }

  @Test
  void djlEvaluationAgreesWithThePureJavaOracleOnAnMlp() {
    MlpSpec mlp = new MlpSpec(new int[] {5, 7, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    ModelDescription d = ModelDescription.of(mlp);
    float[] w = InitialModel.of(d, 3).weights();
    Random r = new Random(1);
    int rows = 300;
    float[] x = new float[rows * 5];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(3);
    }
    Dataset data = new Dataset(null, List.of("a", "b", "c", "d", "e"), rows, 5, x, y, 3);
    Evaluation djl = ModelEvaluator.evaluate(d, w, data);
    Evaluation oracle = MlpEvaluator.evaluate(mlp, w, data);
    assertThat(djl.metric()).isEqualTo(oracle.metric());
    assertThat(djl.loss()).isCloseTo(oracle.loss(), within(1e-4));
  }

  @Test
  void aCnnAndAResNetBuildWithNamedTensorsAndOneSeedGivesOneInitialModel() {
    InitialModel a = InitialModel.of(cnn(), 42);
    InitialModel b = InitialModel.of(cnn(), 42);
    InitialModel c = InitialModel.of(cnn(), 43);
    assertThat(a.weights()).isEqualTo(b.weights());
    assertThat(a.weights()).isNotEqualTo(c.weights());
    assertThat(a.description().layout().tensors().get(0).name()).endsWith("_weight");
    assertThat(a.description().layout().tensors().get(0).shape()).containsExactly(6, 1, 5, 5);
    assertThat(a.description().parameterCount()).isEqualTo(a.weights().length);
    // the description travels with its layout and comes back equal
    assertThat(ModelDescription.fromProto(a.description().toProto())).isEqualTo(a.description());

    // width 64 is the paper's ResNet-18 (11 M parameters, batch norm statistics included); width 8 is a small one
    InitialModel small = InitialModel.of(resnet(new int[] {1, 28, 28}, 18, 8), 1);
    assertThat(small.description().parameterCount()).isBetween(100_000L, 300_000L);
    assertThat(small.description().layout().tensors()).anySatisfy(t -> assertThat(t.name()).containsIgnoringCase("runningMean"));
    InitialModel r18 = InitialModel.of(resnet(new int[] {3, 32, 32}, 18, 64), 1);
    assertThat(r18.description().parameterCount()).isBetween(11_000_000L, 11_300_000L);
    ModelDescription mobile = new ModelDescription(ArchitectureType.MOBILENETV2, new int[] {3, 32, 32}, 10, TaskKind.CLASSIFICATION,
        new int[0], Activation.RELU, List.of(), 0, 0, null);
    assertThat(InitialModel.of(mobile, 1).description().parameterCount()).isBetween(2_000_000L, 3_000_000L);
  }

  @Test
  void aNetworkThatDoesNotMatchTheLayoutItWasSentIsRefused() {
    ModelDescription sent = InitialModel.of(cnn(), 1).description();
    ModelDescription other = new ModelDescription(ArchitectureType.CNN, new int[] {1, 28, 28}, 10, TaskKind.CLASSIFICATION,
        new int[] {64}, Activation.RELU, ModelDescription.DEFAULT_CONV, 0, 0, sent.layout());
    assertThatThrownBy(() -> BuiltNetwork.build(other, 1, ai.djl.Device.cpu()).close())
        .hasMessageContaining("operator and agent disagree");
  }
}
