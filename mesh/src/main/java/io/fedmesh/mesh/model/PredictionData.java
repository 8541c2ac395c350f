package io.fedmesh.mesh.model;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.data.Datasets;
import io.fedmesh.common.model.TaskKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The samples `fedmesh predict` reads: labelled when the data has the label column, unlabelled otherwise. */
public final class PredictionData {
  /** Unlabelled rows are read into memory: refuse a file that would not fit sensibly. */
  static final long MAX_UNLABELLED_VALUES = 256L * 1024 * 1024;

  /** The samples, and whether {@code y} holds real labels. */
  public record Samples(Dataset data, boolean labelled) {}

  private PredictionData() {}

  public static Samples read(Path path, String labelColumn, TaskKind task) throws DatasetException {
    if (Files.isDirectory(path)) {
      // CSV files, IDX files or an image folder (one subfolder per class): labelled by their layout
      return new Samples(Datasets.read(path, null, labelColumn, task), true);
    }
    if (!Files.isRegularFile(path)) {
      throw new DatasetException(path, 0, null, "does not exist; point --data at a CSV file, or a directory of CSV files, IDX files"
          + " or class folders of images");
    }
    if (hasColumn(path, labelColumn)) {
      return new Samples(CsvDatasetReader.read(path, labelColumn, task), true);
    }
    return new Samples(unlabelled(path), false);
  }

  private static boolean hasColumn(Path file, String column) throws DatasetException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      return header != null && Arrays.stream(header.replace("\uFEFF", "").split(",")).map(String::trim).anyMatch(column::equals);
    } catch (IOException e) {
      throw new DatasetException(file, 0, null, "cannot be read: " + e.getMessage());
    }
  }

  /** A CSV of features only: a header, then numbers. */
  private static Dataset unlabelled(Path file) throws DatasetException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null || header.isBlank()) {
        throw new DatasetException(file, 1, null, "the file is empty; the first row must be a header naming the columns");
      }
      List<String> names = Arrays.stream(header.replace("\uFEFF", "").split(",")).map(String::trim).toList();
      int width = names.size();
      List<float[]> rows = new ArrayList<>();
      long line = 1;
      for (String s; (s = r.readLine()) != null; ) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        String[] cells = s.split(",", -1);
        if (cells.length != width) {
          throw new DatasetException(file, line, null, "has " + cells.length + " cells but the header names " + width + " columns");
        }
        if ((long) (rows.size() + 1) * width > MAX_UNLABELLED_VALUES) {
          throw new DatasetException(file, line, null, "holds more than " + MAX_UNLABELLED_VALUES + " values; split it into smaller files");
        }
        float[] row = new float[width];
        for (int i = 0; i < width; i++) {
          try {
            row[i] = Float.parseFloat(cells[i].trim());
          } catch (NumberFormatException e) {
            throw new DatasetException(file, line, names.get(i), "'" + cells[i].trim() + "' is not a number");
          }
          if (!Float.isFinite(row[i])) {
            throw new DatasetException(file, line, names.get(i), "'" + cells[i].trim() + "' is not a finite number");
          }
        }
        rows.add(row);
      }
      float[] x = new float[rows.size() * width];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, x, i * width, width);
      }
      return new Dataset(file, names, rows.size(), width, x, new float[rows.size()], 0);
    } catch (IOException e) {
      throw new DatasetException(file, 0, null, "cannot be read: " + e.getMessage());
    }
  }
}
