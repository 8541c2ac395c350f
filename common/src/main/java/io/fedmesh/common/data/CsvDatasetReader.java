package io.fedmesh.common.data;

import io.fedmesh.common.model.TaskKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads fedmesh's CSV format: a header row, numeric feature columns and one label column (any
 * position). Classification labels are class indices 0, 1, 2, ...; regression labels any number.
 * Every problem is reported with file, line and column; nothing half-read is returned.
 */
public final class CsvDatasetReader {
  /** Classification labels are class indices below this. */
  public static final int MAX_CLASSES = 10_000;

  private CsvDatasetReader() {}

  public static Dataset read(Path file, String labelColumn, TaskKind task) throws DatasetException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null || header.isBlank()) {
        throw new DatasetException(file, 1, null, "the file is empty; the first row must be a header naming the columns");
      }
      String[] names = split(stripBom(header));
      int labelIndex = -1;
      for (int i = 0; i < names.length; i++) {
        names[i] = names[i].trim();
        if (names[i].equals(labelColumn)) {
          labelIndex = i;
        }
      }
      if (labelIndex < 0) {
        throw new DatasetException(file, 1, labelColumn, "no label column '" + labelColumn + "' in header "
            + Arrays.toString(names) + "; add it, or name the column that holds the label (--label-column of fedmesh local and"
            + " fedmesh agent, spec.localTraining.labelColumn of a FederatedTraining)");
      }
      if (names.length < 2) {
        throw new DatasetException(file, 1, null, "the header has no feature columns besides the label");
      }
      List<String> featureNames = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        if (i != labelIndex) {
          featureNames.add(names[i]);
        }
      }
      int features = featureNames.size();
      FloatBuffer xs = new FloatBuffer();
      FloatBuffer ys = new FloatBuffer();
      int maxClass = -1;
      long lineNo = 1;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = split(line);
        if (cells.length != names.length) {
          throw new DatasetException(file, lineNo, null, "has " + cells.length + " cells but the header has "
              + names.length + " columns");
        }
        for (int i = 0; i < cells.length; i++) {
          float v = parse(file, lineNo, names[i], cells[i]);
          if (i == labelIndex) {
            if (task == TaskKind.CLASSIFICATION) {
              if (v < 0 || v != Math.rint(v)) {
                throw new DatasetException(file, lineNo, names[i], "'" + cells[i].trim()
                    + "' is not a class index; classification labels must be 0, 1, 2, ...");
              }
              if (v >= MAX_CLASSES) {
                // one label must not decide how many classes (and so how much memory) the model has
                throw new DatasetException(file, lineNo, names[i], "class index " + cells[i].trim() + " is too large; labels"
                    + " must be below " + MAX_CLASSES);
              }
              maxClass = Math.max(maxClass, (int) v);
            }
            ys.add(v);
          } else {
            xs.add(v);
          }
        }
      }
      int rows = ys.size();
      if (rows == 0) {
        throw new DatasetException(file, lineNo, null, "no data rows after the header");
      }
      int classes = task == TaskKind.CLASSIFICATION ? maxClass + 1 : 0;
      return new Dataset(file, featureNames, rows, features, xs.toArray(), ys.toArray(), classes);
    } catch (IOException e) {
      throw new DatasetException(file, 0, null, "cannot be read: " + e.getMessage());
    }
  }

  /** Reads every *.csv in a directory (sorted by name) into one data set; all must share a header. */
  public static Dataset readDirectory(Path dir, String labelColumn, TaskKind task) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, 0, null, "is not a directory; point --data at a directory of CSV files");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(dir, 0, null, "cannot be listed: " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new DatasetException(dir, 0, null, "holds no *.csv files");
    }
    List<Dataset> parts = new ArrayList<>();
    for (Path f : files) {
      Dataset d = read(f, labelColumn, task);
      if (!parts.isEmpty() && !parts.get(0).featureNames().equals(d.featureNames())) {
        throw new DatasetException(f, 1, null, "its feature columns " + d.featureNames() + " differ from "
            + parts.get(0).source() + "'s " + parts.get(0).featureNames());
      }
      parts.add(d);
    }
    return concat(dir, parts);
  }

  /** Concatenates data sets with the same columns (or sample shape); the first part's shape and class names are kept. */
  public static Dataset concat(Path source, List<Dataset> parts) {
    int rows = parts.stream().mapToInt(Dataset::rows).sum();
    int features = parts.get(0).features();
    float[] x = new float[Math.multiplyExact(rows, features)];
    float[] y = new float[rows];
    int r = 0;
    int classes = 0;
    for (Dataset d : parts) {
      System.arraycopy(d.x(), 0, x, r * features, d.x().length);
      System.arraycopy(d.y(), 0, y, r, d.rows());
      r += d.rows();
      classes = Math.max(classes, d.classes());
    }
    Dataset first = parts.get(0);
    return new Dataset(source, first.featureNames(), rows, features, x, y, classes, first.sampleShape(), first.classNames());
  }

  private static float parse(Path file, long line, String column, String cell) throws DatasetException {
    String t = cell.trim();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1).trim();
    }
    try {
      float v = Float.parseFloat(t);
      if (!Float.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      String shown = t.isEmpty() ? "an empty cell" : "'" + t + "'";
      throw new DatasetException(file, line, column, shown + " is not a finite number; every cell must be numeric");
    }
  }

  private static String[] split(String line) {
    return line.split(",", -1);
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** A growable float array without boxing. */
  private static final class FloatBuffer {
    private float[] data = new float[1024];
    private int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    int size() {
      return size;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
