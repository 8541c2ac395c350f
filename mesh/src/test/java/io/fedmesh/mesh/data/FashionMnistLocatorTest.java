package io.fedmesh.mesh.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.IdxReader;
import io.fedmesh.common.data.IdxWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistLocatorTest {
  @TempDir Path tmp;

  /** A machine as described: what it lets the locator do, and the commands it was asked to run. */
  private record Machine(boolean root, boolean sudo, boolean apt, List<List<String>> ran) implements FashionMnistLocator.Host {
    Machine(boolean root, boolean sudo, boolean apt) {
      this(root, sudo, apt, new ArrayList<>());
    }

    @Override
    public List<Path> dpkgDirs() {
      return List.of();
    }

    @Override
    public boolean isRoot() {
      return root;
    }

    @Override
    public boolean passwordlessSudo() {
      return sudo;
    }

    @Override
    public boolean hasAptGet() {
      return apt;
    }

    @Override
    public int run(List<String> command, PrintStream console) {
      ran.add(command);
      return 100; // as apt-get does when the package cannot be had
    }
  }

  @Test
  void theRealFilesAreFoundAndRead() throws Exception {
    Optional<FashionMnistLocator.Location> found = new FashionMnistLocator().find();
    RequiredInCi.assume(found.isPresent(), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    FashionMnistLocator.Location files = found.orElseThrow();
    Dataset train = IdxReader.read(files.trainImages(), files.trainLabels());
    assertThat(train.rows()).isEqualTo(60_000);
    assertThat(train.sampleShape()).containsExactly(1, 28, 28);
    assertThat(train.classes()).isEqualTo(10);
    Dataset test = IdxReader.read(files.testImages(), files.testLabels());
    assertThat(test.rows()).isEqualTo(10_000);
    assertThat(test.sampleShape()).containsExactly(1, 28, 28);
    float max = 0;
    for (float v : test.x()) {
      max = Math.max(max, v);
    }
    assertThat(max).as("pixels scaled to [0, 1]").isEqualTo(1f);
  }

  @Test
  void filesInAKnownDirectoryAreFoundWithoutInstalling() throws Exception {
    Dataset tiny = new Dataset(tmp, List.of(), 2, 4, new float[8], new float[] {0, 1}, 2, List.of(1, 2, 2), List.of());
    IdxWriter.write(tmp, "train", tiny);
    IdxWriter.write(tmp, "t10k", tiny);
    Machine machine = new Machine(false, false, false);
    FashionMnistLocator.Location found = new FashionMnistLocator(machine, List.of(tmp.resolve("none"), tmp))
        .locateOrInstall(System.out);
    assertThat(found.testLabels()).isEqualTo(tmp.resolve("t10k-labels-idx1-ubyte.gz"));
    assertThat(machine.ran()).isEmpty();
  }

  @Test
  void withoutRootOrSudoItSaysWhichCommandToRun() {
    Machine machine = new Machine(false, false, true);
    assertThatThrownBy(() -> new FashionMnistLocator(machine, List.of(tmp)).locateOrInstall(System.out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run `sudo apt-get install -y dataset-fashion-mnist`")
        .hasMessageContaining("not root and sudo needs a password");
    assertThat(machine.ran()).isEmpty();
  }

  @Test
  void asRootItInstallsRetriesAfterAnUpdateAndReportsAFailedInstall() {
    Machine machine = new Machine(true, false, true);
    assertThatThrownBy(() -> new FashionMnistLocator(machine, List.of(tmp)).locateOrInstall(System.out))
        .hasMessageContaining("apt-get install -y -q dataset-fashion-mnist` failed");
    assertThat(machine.ran()).containsExactly(List.of("apt-get", "install", "-y", "-q", "dataset-fashion-mnist"),
        List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y", "-q", "dataset-fashion-mnist"));
    Machine withSudo = new Machine(false, true, true);
    assertThatThrownBy(() -> new FashionMnistLocator(withSudo, List.of(tmp)).locateOrInstall(System.out));
    assertThat(withSudo.ran().get(0)).startsWith("sudo", "-n", "apt-get");
  }

  @Test
  void theSystemHostSeesThisMachine() {
    FashionMnistLocator.SystemHost host = new FashionMnistLocator.SystemHost();
    assertThat(host.hasAptGet()).isEqualTo(Files.isExecutable(Path.of("/usr/bin/apt-get")));
    assertThat(host.isRoot()).isEqualTo("root".equals(System.getProperty("user.name")));
  }
}
