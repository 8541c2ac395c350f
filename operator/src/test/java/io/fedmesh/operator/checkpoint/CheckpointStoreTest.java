package io.fedmesh.operator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.model.TensorLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  @Test
  void roundTripsWeightsAndMetadata() {
    CheckpointStore store = new CheckpointStore(dir);
    float[] w = {1.5f, -2f, 3.25f};
    Path bin = store.save("ns", "ft", new CheckpointStore.Meta("ft-r3", 3, 3, "sha256:x", "accuracy", 0.9), w);
    assertThat(bin).exists().hasFileName("ft-r3.bin");
    assertThat(store.load("ns", "ft", "ft-r3")).hasValueSatisfying(v -> assertThat(v).containsExactly(w));
    assertThat(store.load("ns", "ft", "ft-r4")).isEmpty();
  }

  @Test
  void aCheckpointNamesItsTensorsAndSaysWhereAChangedModelDiffers() {
    CheckpointStore store = new CheckpointStore(dir);
    TensorLayout layout = new TensorLayout(List.of(new TensorLayout.Tensor("01Conv2d_weight", new long[] {2, 1, 1, 1}),
        new TensorLayout.Tensor("01Conv2d_bias", new long[] {2})));
    store.save("ns", "ft", CheckpointStore.Meta.of("ft-r1", 1, "sha256:y", "accuracy", 0.5, layout), new float[] {1, 2, 3, 4});
    assertThat(store.meta("ns", "ft", "ft-r1").flatMap(CheckpointStore.Meta::layout)).contains(layout);
    assertThat(store.load("ns", "ft", "ft-r1")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3, 4));
    // an older checkpoint has no layout: nothing to compare, nothing refused
    store.save("ns", "ft", new CheckpointStore.Meta("ft-r0", 0, 4, "sha256:z", "accuracy", 0.1), new float[4]);
    assertThat(store.meta("ns", "ft", "ft-r0").flatMap(CheckpointStore.Meta::layout)).isEmpty();
    TensorLayout wider = new TensorLayout(List.of(new TensorLayout.Tensor("01Conv2d_weight", new long[] {3, 1, 1, 1}),
        new TensorLayout.Tensor("01Conv2d_bias", new long[] {3})));
    assertThat(io.fedmesh.operator.rounds.TrainingRuns.firstDifference(layout, wider))
        .isEqualTo("01Conv2d_weight[2, 1, 1, 1] where the model now has 01Conv2d_weight[3, 1, 1, 1]");
  }

  @Test
  void keepsTheNetworkAndListsVersionsInRoundOrder() {
    CheckpointStore store = new CheckpointStore(dir);
    var mlp = io.fedmesh.common.model.ModelDescription.of(new io.fedmesh.common.model.MlpSpec(new int[] {4, 3, 2},
        io.fedmesh.common.model.Activation.RELU, io.fedmesh.common.model.TaskKind.CLASSIFICATION));
    assertThat(store.loadModel("ns", "ft")).isEmpty();
    store.saveModel("ns", "ft", mlp);
    float[] w = new float[(int) mlp.parameterCount()];
    store.save("ns", "ft", new CheckpointStore.Meta("ft-r10", 10, w.length, "sha256:b", "accuracy", 0.8), w);
    store.save("ns", "ft", new CheckpointStore.Meta("ft-r2", 2, w.length, "sha256:a", "accuracy", 0.5), w);
    assertThat(store.loadModel("ns", "ft")).contains(mlp);
    assertThat(store.versions("ns", "ft")).extracting(CheckpointStore.Meta::version).containsExactly("ft-r2", "ft-r10");
    assertThat(store.versions("ns", "other")).isEmpty();
  }
}
