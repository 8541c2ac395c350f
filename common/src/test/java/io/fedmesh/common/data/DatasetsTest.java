package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.TaskKind;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  private static Dataset grey(int n) {
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
    }
    return new Dataset(Path.of("mem"), List.of(), n, 4, new float[n * 4], y, 3, List.of(1, 2, 2), List.of());
  }

  @Test
  void detectsEachLayout() throws Exception {
    Path csv = dir.resolve("one.csv");
    Files.writeString(csv, "a,label\n1,0\n2,1\n");
    assertThat(Datasets.detect(csv)).isEqualTo(DatasetFormat.CSV);
    Path csvDir = Files.createDirectories(dir.resolve("csvs"));
    Files.copy(csv, csvDir.resolve("x.csv"));
    assertThat(Datasets.detect(csvDir)).isEqualTo(DatasetFormat.CSV);
    Path idx = dir.resolve("idx");
    IdxWriter.write(idx, "site-0", grey(6));
    assertThat(Datasets.detect(idx)).isEqualTo(DatasetFormat.IDX);
    Path images = dir.resolve("images/cat/1.png");
    Files.createDirectories(images.getParent());
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", images.toFile());
    assertThat(Datasets.detect(dir.resolve("images"))).isEqualTo(DatasetFormat.IMAGE_FOLDER);
    assertThat(Datasets.read(dir.resolve("images"), null, "label", TaskKind.CLASSIFICATION).sampleShape()).containsExactly(3, 2, 2);
  }

  @Test
  void readsEveryIdxPairOfADirectoryAsOneDataSet() throws Exception {
    IdxWriter.write(dir, "a", grey(6));
    IdxWriter.write(dir, "b", grey(4));
    Dataset d = Datasets.read(dir, DatasetFormat.IDX, "label", TaskKind.CLASSIFICATION);
    assertThat(d.rows()).isEqualTo(10);
    assertThat(d.sampleShape()).containsExactly(1, 2, 2);
  }

  @Test
  void anImagesFileWithoutLabelsIsRefusedNamingIt() throws Exception {
    IdxWriter.Pair p = IdxWriter.write(dir, "a", grey(6));
    Files.delete(p.labels());
    assertThatThrownBy(() -> Datasets.read(dir, null, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining(p.images().toString()).hasMessageContaining("add a-labels-idx1-ubyte.gz");
  }

  @Test
  void mixedOrEmptyDirectoriesAndRegressionOnImagesAreRefused() throws Exception {
    assertThatThrownBy(() -> Datasets.detect(dir)).hasMessageContaining("holds no data");
    IdxWriter.write(dir, "a", grey(6));
    assertThatThrownBy(() -> Datasets.read(dir, null, "label", TaskKind.REGRESSION)).hasMessageContaining("use task classification");
    Files.writeString(dir.resolve("x.csv"), "a,label\n1,0\n");
    assertThatThrownBy(() -> Datasets.detect(dir)).hasMessageContaining("holds both CSV and IDX files");
  }

  @Test
  void dataFilesWinOverSubfoldersAndLostAndFoundIsNoClass() throws Exception {
    Files.writeString(dir.resolve("x.csv"), "a,label\n1,0\n");
    Files.createDirectories(dir.resolve("lost+found"));
    Files.createDirectories(dir.resolve("notes"));
    assertThat(Datasets.detect(dir)).isEqualTo(DatasetFormat.CSV);
    Path images = dir.resolve("images");
    Path png = images.resolve("cat/1.png");
    Files.createDirectories(png.getParent());
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    Files.createDirectories(images.resolve("lost+found"));
    assertThat(Datasets.read(images, null, "label", TaskKind.CLASSIFICATION).classNames()).containsExactly("cat");
  }

  @Test
  void formatsParseByTheirResourceNames() {
    assertThat(DatasetFormat.parse("imageFolder")).isEqualTo(DatasetFormat.IMAGE_FOLDER);
    assertThat(DatasetFormat.parse("IDX")).isEqualTo(DatasetFormat.IDX);
    assertThatThrownBy(() -> DatasetFormat.parse("parquet")).hasMessageContaining("[csv, idx, imageFolder]");
  }
}
