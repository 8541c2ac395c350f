package io.fedmesh.common.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Joins CSV files that share one header into one data set: the header once, then every non-blank
 * row. A file with another header is not appended (the caller decides whether that is an error).
 */
public final class CsvJoiner {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private String header;
  private long rows;

  /** Appends a file's lines (header first); false, appending nothing, when its header differs from the first file's. */
  public boolean append(List<String> lines) {
    if (lines.isEmpty()) {
      return true;
    }
    if (header == null) {
      header = lines.get(0);
      write(header);
    } else if (!header.equals(lines.get(0))) {
      return false;
    }
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        write(line);
        rows++;
      }
    }
    return true;
  }

  /** The first file's header; null before any. */
  public String header() {
    return header;
  }

  public long rows() {
    return rows;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  private void write(String line) {
    out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
