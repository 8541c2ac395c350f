package io.fedmesh.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aWriteReplacesTheFileWholeAndLeavesNoTemporaryFileBehind() throws Exception {
    Path f = dir.resolve("sub/state.json");
    AtomicFiles.write(f, "first");
    AtomicFiles.write(f, "second, longer than the first");
    assertThat(Files.readString(f)).isEqualTo("second, longer than the first");
    try (var files = Files.list(f.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }

  @Test
  void aWriteThatCannotLandKeepsTheOldContentAndCleansUp() throws Exception {
    Path target = Files.createDirectories(dir.resolve("taken/inner")).getParent(); // a non-empty directory where the file should go
    assertThatThrownBy(() -> AtomicFiles.write(target, "x")).hasMessageContaining("cannot write " + target);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("taken");
    }
  }
}
