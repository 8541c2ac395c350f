package io.fedmesh.operator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.operator.aggregation.ClientUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceptedUpdateStoreTest {
  static final String TRAINING = "default/ft";
  @TempDir Path dir;

  static ClientUpdate update(String site, float value) {
    float[] w = new float[5];
    Arrays.fill(w, value);
    return new ClientUpdate(site, w, 42, 0.5, 0.75, 20, 1.25);
  }

  @Test
  void anUpdateReadsBackWithItsKeyModelVersionAndEveryField() {
    AcceptedUpdateStore store = new AcceptedUpdateStore(dir);
    store.save(TRAINING, 3, "default/ft/3/site-a", "ft-r2", update("site-a", 0.25f));
    var loaded = store.load(TRAINING, 3, 5, "ft-r2");
    assertThat(loaded).hasSize(1);
    var s = loaded.get(0);
    assertThat(s.idempotencyKey()).isEqualTo("default/ft/3/site-a");
    assertThat(s.baseVersion()).isEqualTo("ft-r2");
    assertThat(s.update().site()).isEqualTo("site-a");
    assertThat(s.update().weights()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f, 0.25f);
    assertThat(s.update().samples()).isEqualTo(42);
    assertThat(s.update().trainLoss()).isEqualTo(0.5);
    assertThat(s.update().localMetric()).isEqualTo(0.75);
    assertThat(s.update().bytes()).isEqualTo(20);
    assertThat(s.update().workSeconds()).isEqualTo(1.25);
    // another round, another model version or another shape finds nothing
    assertThat(store.load(TRAINING, 4, 5, "ft-r2")).isEmpty();
    assertThat(store.load(TRAINING, 3, 5, "ft-r1")).isEmpty();
    assertThat(store.load(TRAINING, 3, 6, "ft-r2")).isEmpty();
  }

  @Test
  void aTruncatedFlippedOrStrayFileIsIgnoredNeverAggregated() throws Exception {
    AcceptedUpdateStore store = new AcceptedUpdateStore(dir);
    store.save(TRAINING, 1, "default/ft/1/site-a", "ft-r0", update("site-a", 1f));
    store.save(TRAINING, 1, "default/ft/1/site-b", "ft-r0", update("site-b", 2f));
    store.save(TRAINING, 1, "default/ft/1/site-c", "ft-r0", update("site-c", 3f));
    store.save(TRAINING, 1, "default/ft/1/site-d", "ft-r0", update("site-d", 4f));
    Path round = store.roundDir(TRAINING, 1);
    Path b = round.resolve("site-b.update");
    byte[] whole = Files.readAllBytes(b);
    Files.write(b, Arrays.copyOf(whole, whole.length / 2)); // a partial write
    Path c = round.resolve("site-c.update");
    byte[] flipped = Files.readAllBytes(c);
    flipped[40] ^= 0x01; // one bit changed on disk
    Files.write(c, flipped);
    Files.move(round.resolve("site-d.update"), round.resolve("site-e.update")); // a file under another site's name
    Files.write(round.resolve("site-f.update12345.tmp"), new byte[] {1, 2, 3}); // a temp file left by a crash
    assertThat(store.load(TRAINING, 1, 5, "ft-r0")).extracting(s -> s.update().site()).containsExactly("site-a");
  }

  @Test
  void closedRoundsAndEndedTrainingsLeaveNothingBehind() {
    AcceptedUpdateStore store = new AcceptedUpdateStore(dir);
    store.save(TRAINING, 1, "k1", "ft-r0", update("site-a", 1f));
    store.save(TRAINING, 2, "k2", "ft-r1", update("site-a", 1f));
    store.save(TRAINING, 3, "k3", "ft-r2", update("site-a", 1f));
    store.removeUpTo(TRAINING, 2);
    assertThat(Files.exists(store.roundDir(TRAINING, 1))).isFalse();
    assertThat(Files.exists(store.roundDir(TRAINING, 2))).isFalse();
    assertThat(store.load(TRAINING, 3, 5, "ft-r2")).hasSize(1);
    store.removeAll(TRAINING);
    assertThat(Files.exists(store.roundDir(TRAINING, 3).getParent())).isFalse();
  }

  @Test
  void aNameThatIsNotAKubernetesNameCannotNameAFile() {
    AcceptedUpdateStore store = new AcceptedUpdateStore(dir);
    assertThatThrownBy(() -> store.save(TRAINING, 1, "k", "v", update("../../etc", 1f))).hasMessageContaining("site '../../etc'");
    assertThatThrownBy(() -> store.save("default/../x", 1, "k", "v", update("site-a", 1f))).hasMessageContaining("training name");
  }
}
