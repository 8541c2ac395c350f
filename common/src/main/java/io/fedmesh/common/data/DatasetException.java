package io.fedmesh.common.data;

import java.nio.file.Path;

/**
 * A data file fedmesh cannot train on. The message names the file, the line and the column, says
 * what is wrong and how to fix it, so it can go into a site's status as it is.
 */
public class DatasetException extends Exception {
  private final Path file;
  private final long line;
  private final String column;

  public DatasetException(Path file, long line, String column, String problem) {
    super(format(file, line, column, problem));
    this.file = file;
    this.line = line;
    this.column = column;
  }

  private static String format(Path file, long line, String column, String problem) {
    StringBuilder sb = new StringBuilder().append(file);
    if (line > 0) {
      sb.append(" line ").append(line);
    }
    if (column != null) {
      sb.append(", column '").append(column).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem is not tied to a line. */
  public long line() {
    return line;
  }

  /** The column's header name, or null. */
  public String column() {
    return column;
  }
}
