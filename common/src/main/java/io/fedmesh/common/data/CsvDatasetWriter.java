package io.fedmesh.common.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a data set in the CSV format {@link CsvDatasetReader} reads, atomically (temp + rename). */
public final class CsvDatasetWriter {
  private CsvDatasetWriter() {}

  public static void write(Path file, Dataset data, String labelColumn) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(String.join(",", data.featureNames()));
      w.write("," + labelColumn + "\n");
      StringBuilder sb = new StringBuilder();
      for (int r = 0; r < data.rows(); r++) {
        sb.setLength(0);
        for (int f = 0; f < data.features(); f++) {
          sb.append(data.x()[r * data.features() + f]).append(',');
        }
        float label = data.y()[r];
        if (data.classes() > 0) {
          sb.append((int) label);
        } else {
          sb.append(label);
        }
        w.write(sb.append('\n').toString());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
