package io.fedmesh.edge.data;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The site's local data: every *.csv in a directory. Re-read only when a file changed (names,
 * sizes, modification times), so a fixed file brings a Degraded site back without a restart.
 */
public final class DataDirectory {
  private final Path dir;
  private final String labelColumn;
  private String fingerprint;
  private TaskKind task;
  private Dataset dataset;
  private DatasetException error;

  public DataDirectory(Path dir, String labelColumn) {
    this.dir = dir;
    this.labelColumn = labelColumn;
  }

  /** The data read as {@code task}; throws the problem (file, line, column) when it cannot be used. */
  public synchronized Dataset load(TaskKind task) throws DatasetException {
    String now = fingerprint();
    if (!now.equals(fingerprint) || task != this.task) {
      fingerprint = now;
      this.task = task;
      try {
        dataset = CsvDatasetReader.readDirectory(dir, labelColumn, task);
        error = null;
      } catch (DatasetException e) {
        dataset = null;
        error = e;
      }
    }
    if (error != null) {
      throw error;
    }
    return dataset;
  }

  public Path dir() {
    return dir;
  }

  private String fingerprint() {
    if (!Files.isDirectory(dir)) {
      return "missing";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().forEach(p -> {
        try {
          sb.append(p.getFileName()).append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis()).append(';');
        } catch (IOException e) {
          sb.append(p.getFileName()).append(":?;");
        }
      });
    } catch (IOException e) {
      return "unlistable";
    }
    return sb.toString();
  }
}
