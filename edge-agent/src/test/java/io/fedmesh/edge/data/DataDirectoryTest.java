package io.fedmesh.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.data.DatasetFormat;
import io.fedmesh.common.data.IdxWriter;
import io.fedmesh.common.model.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.awt.image.BufferedImage;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path dir;

  @Test
  void aNonNumericCellNamesFileLineAndColumn() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x1,x2,label\n1,2,0\n3,abc,1\n");
    assertThatThrownBy(() -> new DataDirectory(dir, "label").load(TaskKind.CLASSIFICATION))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("a.csv line 3, column 'x2': 'abc'");
  }

  @Test
  void aMissingLabelColumnSaysHowToFixIt() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x1,x2,target\n1,2,0\n");
    assertThatThrownBy(() -> new DataDirectory(dir, "label").load(TaskKind.CLASSIFICATION))
        .hasMessageContaining("a.csv line 1, column 'label'")
        .hasMessageContaining("--label-column");
  }

  @Test
  void aClassificationLabelThatIsNoClassIndexIsRefused() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x1,label\n1,0\n2,1.5\n");
    assertThatThrownBy(() -> new DataDirectory(dir, "label").load(TaskKind.CLASSIFICATION))
        .hasMessageContaining("a.csv line 3, column 'label'").hasMessageContaining("class index");
    assertThat(new DataDirectory(dir, "label").load(TaskKind.REGRESSION).rows()).isEqualTo(2);
  }

  @Test
  void theDirectoryIsReadAgainOnlyWhenAFileChanged() throws Exception {
    Path f = dir.resolve("a.csv");
    Files.writeString(f, "x1,label\n1,0\n2,oops\n");
    DataDirectory data = new DataDirectory(dir, "label");
    assertThatThrownBy(() -> data.load(TaskKind.CLASSIFICATION)).hasMessageContaining("line 3");
    Files.writeString(f, "x1,label\n1,0\n2,1\n3,2\n");
    Dataset fixed = data.load(TaskKind.CLASSIFICATION);
    assertThat(fixed.rows()).isEqualTo(3);
    assertThat(fixed.classes()).isEqualTo(3);
    assertThat(data.load(TaskKind.CLASSIFICATION)).as("unchanged files: the same data set").isSameAs(fixed);
    Files.writeString(dir.resolve("b.csv"), "x1,label\n4,0\n");
    assertThat(data.load(TaskKind.CLASSIFICATION).rows()).isEqualTo(4);
  }

  @Test
  void filesWithDifferentColumnsAreRefused() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x1,x2,label\n1,2,0\n");
    Files.writeString(dir.resolve("b.csv"), "x1,x3,label\n1,2,0\n");
    assertThatThrownBy(() -> new DataDirectory(dir, "label").load(TaskKind.CLASSIFICATION))
        .hasMessageContaining("b.csv").hasMessageContaining("differ");
  }

  @Test
  void idxPairsAreReadAndReportedAsIdx() throws Exception {
    float[] y = {0, 1, 2, 1};
    IdxWriter.write(dir, "site-0", new Dataset(dir, List.of(), 4, 9, new float[36], y, 3, List.of(1, 3, 3), List.of()));
    DataDirectory data = new DataDirectory(dir, "label");
    Dataset d = data.load(TaskKind.CLASSIFICATION);
    assertThat(d.rows()).isEqualTo(4);
    assertThat(d.sampleShape()).containsExactly(1, 3, 3);
    assertThat(data.format()).isEqualTo(DatasetFormat.IDX);
  }

  @Test
  void anImageFolderIsReReadWhenAnImageInAClassFolderChanges() throws Exception {
    Path cat = png("cat/1.png", 4);
    png("dog/1.png", 4);
    DataDirectory data = new DataDirectory(dir, "label");
    Dataset first = data.load(TaskKind.CLASSIFICATION);
    assertThat(first.classNames()).containsExactly("cat", "dog");
    assertThat(data.format()).isEqualTo(DatasetFormat.IMAGE_FOLDER);
    png("cat/1.png", 5); // another size: the change must be seen, and refused naming the file
    Files.setLastModifiedTime(cat, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThatThrownBy(() -> data.load(TaskKind.CLASSIFICATION)).hasMessageContaining("dog/1.png")
        .hasMessageContaining("same size");
    png("dog/2.png", 5);
    Files.delete(dir.resolve("dog/1.png"));
    assertThat(data.load(TaskKind.CLASSIFICATION).sampleShape()).containsExactly(3, 5, 5);
  }

  @Test
  void aSingleCsvFileIsReadAndReadAgainWhenItChanges() throws Exception {
    Path test = dir.resolve("test.csv"); // an evaluator site's --data
    Files.writeString(test, "x1,label\n1,0\n2,1\n");
    DataDirectory data = new DataDirectory(test, "label");
    Dataset first = data.load(TaskKind.CLASSIFICATION);
    assertThat(first.rows()).isEqualTo(2);
    assertThat(data.format()).isEqualTo(DatasetFormat.CSV);
    assertThat(data.load(TaskKind.CLASSIFICATION)).as("unchanged file: the same data set").isSameAs(first);
    Files.writeString(test, "x1,label\n1,0\n2,1\n3,2\n");
    assertThat(data.load(TaskKind.CLASSIFICATION).rows()).as("the changed file is read again").isEqualTo(3);
  }

  @Test
  void aSingleFileThatIsNoCsvIsRefusedSayingWhatToGive() throws Exception {
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, "x1,label\n1,0\n");
    assertThatThrownBy(() -> new DataDirectory(notes, "label").load(TaskKind.CLASSIFICATION))
        .hasMessageContaining("notes.txt").hasMessageContaining("neither a .csv file nor a directory");
  }

  @Test
  void aDeclaredFormatIsNotGuessed() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x1,label\n1,0\n");
    assertThatThrownBy(() -> new DataDirectory(dir, "label", DatasetFormat.IDX).load(TaskKind.CLASSIFICATION))
        .hasMessageContaining("holds no IDX pair");
  }

  private Path png(String name, int side) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    ImageIO.write(new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
    return f;
  }
}
