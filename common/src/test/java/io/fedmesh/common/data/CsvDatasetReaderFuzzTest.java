package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fedmesh.common.model.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary bytes as a CSV data set (a site's or a burst's file): the reader either refuses with
 * {@link DatasetException} (its documented refusal, naming line and column) or returns a consistent
 * data set of finite numbers, for regression and classification alike. Seeds in
 * {@code CsvDatasetReaderFuzzTestInputs/} replay in {@code mvn test}.
 */
class CsvDatasetReaderFuzzTest {
  static Path dir;

  @BeforeAll
  static void makeDir() throws Exception {
    dir = Files.createTempDirectory("csv-fuzz");
  }

  @AfterAll
  static void removeDir() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @FuzzTest(maxDuration = "60s")
  void readRefusesOrReturnsAConsistentDataset(byte[] bytes) throws Exception {
    Path file = Files.write(dir.resolve("data.csv"), bytes);
    for (TaskKind task : TaskKind.values()) {
      Dataset d;
      try {
        d = CsvDatasetReader.read(file, "label", task);
      } catch (DatasetException refused) {
        continue;
      }
      assertThat(d.rows()).isPositive();
      assertThat(d.features()).isEqualTo(d.featureNames().size()).isPositive();
      assertThat(d.x()).hasSize(d.rows() * d.features());
      assertThat(d.y()).hasSize(d.rows());
      for (float v : d.x()) {
        assertThat(Float.isFinite(v)).isTrue();
      }
      if (task == TaskKind.CLASSIFICATION) {
        assertThat(d.classes()).isBetween(1, CsvDatasetReader.MAX_CLASSES);
      }
    }
  }
}
