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
}
