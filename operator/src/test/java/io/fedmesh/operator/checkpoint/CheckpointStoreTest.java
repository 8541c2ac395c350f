package io.fedmesh.operator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
