package io.fedmesh.mesh.data;

import io.fedmesh.common.data.Dataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The UCI 8x8 handwritten digits (1,797 samples, 64 pixel values 0..16, 10 classes) as Debian's
 * {@code python3-sklearn} ships them: {@code sklearn/datasets/data/digits.csv.gz}, comma-separated,
 * no header, the digit last. A real table that a small MLP learns to about 0.96 federated.
 */
public final class UciDigits {
  public static final String PACKAGE = "python3-sklearn";
  public static final Path DEBIAN_FILE = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");
  public static final int ROWS = 1797;
  public static final int FEATURES = 64;
  public static final int CLASSES = 10;

  private UciDigits() {}

  /** The file, or a refusal that says how to get it. */
  public static Path locate(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the UCI digits are not on this machine (" + file + "): Debian's " + PACKAGE + " ships them;"
          + " run `sudo apt-get install -y " + PACKAGE + "` (or scripts/install-data-deps.sh), then run again");
    }
    return file;
  }

  /** Every row of the file: 64 pixel values and the digit. A malformed line names its number. */
  public static List<float[]> rows(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
        StandardCharsets.US_ASCII))) {
      int line = 0;
      for (String text; (text = r.readLine()) != null; ) {
        line++;
        String[] cells = text.split(",");
        if (cells.length != FEATURES + 1) {
          throw new IOException(file + " line " + line + ": " + cells.length + " values, expected " + (FEATURES + 1));
        }
        float[] v = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
          try {
            v[i] = Float.parseFloat(cells[i]);
          } catch (NumberFormatException e) {
            throw new IOException(file + " line " + line + " column " + (i + 1) + ": '" + cells[i] + "' is not a number");
          }
        }
        if (v[FEATURES] < 0 || v[FEATURES] >= CLASSES || v[FEATURES] != Math.rint(v[FEATURES])) {
          throw new IOException(file + " line " + line + ": label " + cells[FEATURES] + " is not a digit 0..9");
        }
        rows.add(v);
      }
    }
    return rows;
  }

  /** Rows as a data set with columns pixel0..pixel63 and the digit as its label. */
  public static Dataset dataset(List<float[]> rows, Path source) {
    float[] x = new float[rows.size() * FEATURES];
    float[] y = new float[rows.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < FEATURES; i++) {
      names.add("pixel" + i);
    }
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, x, r * FEATURES, FEATURES);
      y[r] = rows.get(r)[FEATURES];
    }
    return new Dataset(source, names, rows.size(), FEATURES, x, y, CLASSES);
  }
}
