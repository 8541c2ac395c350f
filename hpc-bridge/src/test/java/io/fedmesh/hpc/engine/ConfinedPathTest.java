package io.fedmesh.hpc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfinedPathTest {
  @TempDir Path tmp;

  @Test
  void namesInsideTheRootResolve() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("work"));
    assertThat(ConfinedPath.resolve(root, "sim-0001.csv")).isEqualTo(root.toAbsolutePath().resolve("sim-0001.csv"));
    assertThat(ConfinedPath.resolve(root, "a..b.log")).isEqualTo(root.toAbsolutePath().resolve("a..b.log"));
    assertThat(ConfinedPath.resolve(tmp.resolve("not-yet"), "x/y")).isEqualTo(tmp.toAbsolutePath().resolve("not-yet/x/y"));
  }

  @Test
  void dotDotAbsoluteAndEmptyAreRefused() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("work"));
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "../x")).hasMessageContaining("contains '..'");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "a/../../x")).hasMessageContaining("contains '..'");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "/etc/passwd")).hasMessageContaining("is absolute");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "")).hasMessageContaining("empty path");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, ".")).hasMessageContaining("does not name anything inside");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "a\0b")).hasMessageContaining("not a valid path name");
  }

  @Test
  void aSymbolicLinkLeadingOutOfTheRootIsRefused() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("work"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.createSymbolicLink(root.resolve("passwd.csv"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("gone"));
    Files.createSymbolicLink(root.resolve("inside"), Files.createDirectories(root.resolve("real")));
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "escape/x.csv")).hasMessageContaining("through a symbolic link");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "passwd.csv")).hasMessageContaining("through a symbolic link");
    assertThatThrownBy(() -> ConfinedPath.resolve(root, "dangling")).hasMessageContaining("cannot be resolved");
    assertThat(ConfinedPath.resolve(root, "inside/x.csv")).as("a link that stays inside is fine")
        .isEqualTo(root.toAbsolutePath().resolve("inside/x.csv"));
  }
}
