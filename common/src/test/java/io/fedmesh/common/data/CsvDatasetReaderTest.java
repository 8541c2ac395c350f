package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedmesh.common.model.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetReaderTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void readsFeaturesAndLabelInAnyColumn() throws Exception {
    Path f = write("a.csv", "x1,label,x2\n1.5,0,2\n-3,2,4e-1\n\n");
    Dataset d = CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION);
    assertThat(d.rows()).isEqualTo(2);
    assertThat(d.features()).isEqualTo(2);
    assertThat(d.featureNames()).containsExactly("x1", "x2");
    assertThat(d.x()).containsExactly(1.5f, 2f, -3f, 0.4f);
    assertThat(d.y()).containsExactly(0f, 2f);
    assertThat(d.classes()).isEqualTo(3);
  }

  @Test
  void regressionAcceptsAnyNumberAndHasNoClasses() throws Exception {
    Path f = write("r.csv", "a,b,y\n1,2,0.75\n3,4,-1.5\n");
    Dataset d = CsvDatasetReader.read(f, "y", TaskKind.REGRESSION);
    assertThat(d.y()).containsExactly(0.75f, -1.5f);
    assertThat(d.classes()).isZero();
  }

  @Test
  void missingLabelColumnNamesTheColumnAndTheFix() throws Exception {
    Path f = write("b.csv", "x1,x2,target\n1,2,0\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("b.csv line 1")
        .hasMessageContaining("column 'label'")
        .hasMessageContaining("--label-column")
        .satisfies(e -> assertThat(((DatasetException) e).line()).isEqualTo(1));
  }

  @Test
  void nonNumericCellNamesFileLineAndColumn() throws Exception {
    Path f = write("c.csv", "x1,x2,label\n1,2,0\n1,abc,1\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("c.csv line 3, column 'x2': 'abc' is not a finite number")
        .satisfies(e -> {
          DatasetException de = (DatasetException) e;
          assertThat(de.line()).isEqualTo(3);
          assertThat(de.column()).isEqualTo("x2");
        });
  }

  @Test
  void emptyCellAndNanAreRejected() throws Exception {
    Path f = write("d.csv", "x1,label\n,0\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining("an empty cell");
    Path g = write("e.csv", "x1,label\nNaN,0\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(g, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining("line 2, column 'x1'");
  }

  @Test
  void raggedRowIsRejected() throws Exception {
    Path f = write("f.csv", "x1,x2,label\n1,2,0\n1,2\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining("line 3: has 2 cells but the header has 3 columns");
  }

  @Test
  void fractionalClassLabelIsRejected() throws Exception {
    Path f = write("g.csv", "x1,label\n1,0.5\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining("column 'label': '0.5' is not a class index");
  }

  @Test
  void emptyFileAndHeaderOnlyAreRejected() throws Exception {
    Path e = write("h.csv", "");
    assertThatThrownBy(() -> CsvDatasetReader.read(e, "label", TaskKind.CLASSIFICATION)).hasMessageContaining("empty");
    Path h = write("i.csv", "x,label\n");
    assertThatThrownBy(() -> CsvDatasetReader.read(h, "label", TaskKind.CLASSIFICATION)).hasMessageContaining("no data rows");
  }

  @Test
  void directoryConcatenatesAndChecksHeaders() throws Exception {
    write("1.csv", "x1,x2,label\n1,2,0\n");
    write("2.csv", "x1,x2,label\n3,4,1\n5,6,1\n");
    Dataset d = CsvDatasetReader.readDirectory(dir, "label", TaskKind.CLASSIFICATION);
    assertThat(d.rows()).isEqualTo(3);
    assertThat(d.x()).containsExactly(1, 2, 3, 4, 5, 6);
    write("3.csv", "x1,x3,label\n1,2,0\n");
    assertThatThrownBy(() -> CsvDatasetReader.readDirectory(dir, "label", TaskKind.CLASSIFICATION))
        .hasMessageContaining("3.csv line 1").hasMessageContaining("differ");
  }

  @Test
  void writerRoundTrips() throws Exception {
    Path f = write("src.csv", "a,b,label\n0.5,1,2\n-1,2,0\n");
    Dataset d = CsvDatasetReader.read(f, "label", TaskKind.CLASSIFICATION);
    Path out = dir.resolve("sub/out.csv");
    CsvDatasetWriter.write(out, d, "label");
    Dataset back = CsvDatasetReader.read(out, "label", TaskKind.CLASSIFICATION);
    assertThat(back.x()).containsExactly(d.x());
    assertThat(back.y()).containsExactly(d.y());
    assertThat(back.featureNames()).isEqualTo(d.featureNames());
  }
}
