package io.fedmesh.edge.data;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.data.DatasetFormat;
import io.fedmesh.common.data.Datasets;
import io.fedmesh.common.model.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The site's local data: every *.csv in a directory, IDX pairs, an image folder (one subfolder
 * per class), or a single CSV file (an evaluator site's test.csv), the format given or detected
 * (see {@link Datasets#detect}). Re-read only when a file changed (relative paths, sizes,
 * modification times, down to the images in the class folders; a single file's name, size and
 * modification time), so a fixed file brings a Degraded site back without a restart.
 */
public final class DataDirectory {
  /** The directory itself and its class folders: image folders are two levels deep. */
  private static final int DEPTH = 2;

  private final Path dir;
  private final String labelColumn;
  private final DatasetFormat declared;
  private String fingerprint;
  private TaskKind task;
  private Dataset dataset;
  private DatasetFormat format;
  private DatasetException error;

  public DataDirectory(Path dir, String labelColumn) {
    this(dir, labelColumn, null);
  }

  /** @param format the format of the files, or null to detect it at each (re-)read */
  public DataDirectory(Path dir, String labelColumn, DatasetFormat format) {
    this.dir = dir;
    this.labelColumn = labelColumn;
    this.declared = format;
  }

  /** The data read as {@code task}; throws the problem (file, line, column) when it cannot be used. */
  public synchronized Dataset load(TaskKind task) throws DatasetException {
    String now = fingerprint();
    if (!now.equals(fingerprint) || task != this.task) {
      fingerprint = now;
      this.task = task;
      try {
        DatasetFormat f = declared != null ? declared : Datasets.detect(dir);
        dataset = Datasets.read(dir, f, labelColumn, task);
        format = f;
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

  /** The format of the data last read well; {@code csv} before that (what the site reports). */
  public synchronized DatasetFormat format() {
    return format == null ? DatasetFormat.CSV : format;
  }

  /** The directory, or the single CSV file, given as --data. */
  public Path dir() {
    return dir;
  }

  private String fingerprint() {
    if (Files.isRegularFile(dir)) {
      try {
        return dir.getFileName() + ":" + Files.size(dir) + ":" + Files.getLastModifiedTime(dir).toMillis();
      } catch (IOException e) {
        return "unreadable";
      }
    }
    if (!Files.isDirectory(dir)) {
      return "missing";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir, DEPTH)) {
      files.filter(p -> !p.equals(dir)).sorted().forEach(p -> {
        sb.append(dir.relativize(p));
        try {
          if (Files.isRegularFile(p)) {
            sb.append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis());
          }
        } catch (IOException e) {
          sb.append(":?");
        }
        sb.append(';');
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      return "unlistable";
    }
    return sb.toString();
  }
}
