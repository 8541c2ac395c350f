package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetFormat;
import io.fedmesh.common.data.Datasets;
import io.fedmesh.common.data.IdxWriter;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.data.FashionMnistLocator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data of `fedmesh local`: Fashion-MNIST split over sites, and the user's --data in every format. */
class MeshDataTest {
  @TempDir Path tmp;

  /** {@code n} grey 28x28 images, label i % classes, pixel values that tell the images apart. */
  private static Dataset images(int n, int classes) {
    float[] x = new float[n * 784];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      x[i * 784] = (i % 256) / 255f;
    }
    return new Dataset(Path.of("mem"), List.of(), n, 784, x, y, classes, List.of(1, 28, 28), List.of());
  }

  private FashionMnistLocator.Location fakeDebianDir(int train, int test) throws Exception {
    Path dir = tmp.resolve("debian");
    IdxWriter.write(dir, "train", images(train, 10));
    IdxWriter.write(dir, "t10k", images(test, 10));
    return FashionMnistLocator.Location.in(dir);
  }

  @Test
  void fashionMnistIsSplitOverTheSitesAsIdxAndTestedOnTheWholeT10kSet() throws Exception {
    MeshData data = MeshData.fashionMnist(tmp.resolve("out"), 5, 0.5, 42, fakeDebianDir(600, 100));
    assertThat(data.sampleShape()).containsExactly(1, 28, 28);
    assertThat(data.classes()).isEqualTo(10);
    assertThat(data.features()).isEqualTo(784);
    assertThat(data.task()).isEqualTo(TaskKind.CLASSIFICATION);
    assertThat(data.samples().stream().mapToInt(Integer::intValue).sum()).isEqualTo(600);
    for (int i = 0; i < 5; i++) {
      Path dir = data.siteDirs().get(i);
      assertThat(dir).isEqualTo(tmp.resolve("out/site-" + i));
      assertThat(dir.resolve("site-" + i + "-images-idx3-ubyte.gz")).exists();
      assertThat(Datasets.detect(dir)).isEqualTo(DatasetFormat.IDX);
      assertThat(Datasets.read(dir, null, "label", TaskKind.CLASSIFICATION).rows()).isEqualTo(data.samples().get(i));
    }
    assertThat(Datasets.read(data.testSet(), null, "label", TaskKind.CLASSIFICATION).rows()).isEqualTo(100);
    MeshData again = MeshData.fashionMnist(tmp.resolve("again"), 5, 0.5, 42, fakeDebianDir(600, 100));
    assertThat(again.samples()).as("the seed fixes the split").isEqualTo(data.samples());
  }

  @Test
  void theRealFashionMnistIsSplitOverEightSites() throws Exception {
    Optional<FashionMnistLocator.Location> real = new FashionMnistLocator().find();
    org.junit.jupiter.api.Assumptions.assumeTrue(real.isPresent(), "Fashion-MNIST is not installed (FashionMnistLocatorTest"
        + " fails in CI for that)");
    MeshData data = MeshData.fashionMnist(tmp.resolve("out"), 8, 0.5, 42, real.orElseThrow());
    assertThat(data.samples().stream().mapToInt(Integer::intValue).sum()).isEqualTo(60_000);
    assertThat(data.samples()).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(Datasets.read(data.testSet(), null, "label", TaskKind.CLASSIFICATION).rows()).isEqualTo(10_000);
  }

  @Test
  void theDigitsAreSplitOverTheSitesAsCsvWithAFifthHeldOut() throws Exception {
    java.nio.file.Path file = TabularDefaultsLearnTest.digitsFile();
    MeshData data = MeshData.digits(tmp.resolve("out"), 4, 0.5, 42, file);
    assertThat(data.samples().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1797 - 360);
    assertThat(data.samples()).hasSize(4).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(data.features()).isEqualTo(64);
    assertThat(data.classes()).isEqualTo(10);
    assertThat(Datasets.read(data.testSet(), null, "label", TaskKind.CLASSIFICATION).rows()).isEqualTo(360);
    assertThat(Datasets.read(data.siteDirs().get(0), null, "label", TaskKind.CLASSIFICATION).features()).isEqualTo(64);
    assertThat(MeshData.digits(tmp.resolve("again"), 4, 0.5, 42, file).samples()).as("the seed fixes the split")
        .isEqualTo(data.samples());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeshData.digits(tmp.resolve("x"), 4, 0.5, 42, tmp.resolve("none.csv.gz")))
        .hasMessageContaining("sudo apt-get install -y python3-sklearn");
  }

  @Test
  void aGapInTheSiteNumberingIsRefusedNamingTheMissingSite() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    String csv = "a,label\n" + "1,0\n2,1\n".repeat(5);
    Files.writeString(dir.resolve("site-0.csv"), csv);
    Files.writeString(dir.resolve("site-2.csv"), csv);
    Files.writeString(dir.resolve("test.csv"), csv);
    assertThatThrownBy(() -> MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no site-1.csv or site-1/")
        .hasMessageContaining("sites up to site-2");
    assertThat(tmp.resolve("out")).as("nothing copied before the check").doesNotExist();
  }

  @Test
  void idxAndImageFolderSitesAreReadWhereTheyAreWithATestFolder() throws Exception {
    Path dir = tmp.resolve("data");
    IdxWriter.write(dir.resolve("site-0"), "site-0", images(30, 3));
    IdxWriter.write(dir.resolve("site-1"), "mine", images(20, 3));
    IdxWriter.write(dir.resolve("test"), "test", images(12, 3));
    MeshData data = MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out"));
    assertThat(data.siteDirs()).containsExactly(dir.resolve("site-0").toAbsolutePath(), dir.resolve("site-1").toAbsolutePath());
    assertThat(data.samples()).containsExactly(30, 20);
    assertThat(data.testSet()).isEqualTo(dir.resolve("test").toAbsolutePath());
    assertThat(data.sampleShape()).containsExactly(1, 28, 28);
    assertThat(data.classes()).isEqualTo(3);

    Path folders = tmp.resolve("folders");
    for (String part : List.of("site-0", "site-1", "test")) {
      for (String cls : List.of("cat", "dog")) {
        Path f = folders.resolve(part).resolve(cls).resolve("1.png");
        Files.createDirectories(f.getParent());
        ImageIO.write(new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
      }
    }
    MeshData images = MeshData.fromDirectory(folders, null, TaskKind.CLASSIFICATION, tmp.resolve("out2"));
    assertThat(images.sampleShape()).containsExactly(3, 6, 6);
    assertThat(images.samples()).containsExactly(2, 2);
  }

  @Test
  void sitesOfAnotherShapeThanTheTestSetAreRefused() throws Exception {
    Path dir = tmp.resolve("data");
    IdxWriter.write(dir.resolve("site-0"), "a", images(10, 2));
    Files.writeString(dir.resolve("test.csv"), "a,label\n1,0\n2,1\n");
    assertThatThrownBy(() -> MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out")))
        .hasMessageContaining("site-0 holds samples of shape [1, 28, 28] but test.csv holds [1]");
  }

  @Test
  void twoEntriesForOneSiteOrTwoTestSetsAreRefused() throws Exception {
    Path dir = tmp.resolve("data");
    IdxWriter.write(dir.resolve("site-0"), "a", images(10, 2));
    IdxWriter.write(dir.resolve("test"), "t", images(10, 2));
    Files.writeString(dir.resolve("site-0.csv"), "a,label\n1,0\n");
    assertThatThrownBy(() -> MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out")))
        .hasMessageContaining("has both site-0/ and site-0.csv for one site");
    Files.delete(dir.resolve("site-0.csv"));
    Files.writeString(dir.resolve("test.csv"), "a,label\n1,0\n");
    assertThatThrownBy(() -> MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out")))
        .hasMessageContaining("has both test.csv and test/");
  }

  @Test
  void aBadFileInASiteFolderIsNamedBeforeAnythingStarts() throws Exception {
    Path dir = tmp.resolve("data");
    IdxWriter.write(dir.resolve("site-0"), "a", images(10, 2));
    IdxWriter.write(dir.resolve("test"), "t", images(10, 2));
    Path broken = Files.createDirectories(dir.resolve("site-1")).resolve("b-images-idx3-ubyte");
    Files.write(broken, new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
    Files.write(dir.resolve("site-1/b-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 0});
    assertThatThrownBy(() -> MeshData.fromDirectory(dir, null, TaskKind.CLASSIFICATION, tmp.resolve("out")))
        .hasMessageContaining(broken.toString()).hasMessageContaining("truncated");
  }
}
