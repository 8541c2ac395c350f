package io.fedmesh.models.export;

/** An exported model that cannot be written or read; the message names the file or field and the fix. */
public final class ExportException extends IllegalArgumentException {
  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
