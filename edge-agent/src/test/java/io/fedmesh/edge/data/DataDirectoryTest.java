package io.fedmesh.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
