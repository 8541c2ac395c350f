package io.fedmesh.hpc.pilot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the complete lines appended to a file since the last read (a half-written last line waits
 * for its newline). A line longer than {@link PilotProtocol#MAX_LINE} is refused: the writer is
 * not trusted to bound it, so the tail never buffers more than that.
 */
public final class LineTail implements AutoCloseable {
  private final Path file;
  private FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

  public LineTail(Path file) {
    this.file = file;
  }

  /** The lines completed since the last call; none while the file does not exist. */
  public List<String> read() throws IOException {
    List<String> lines = new ArrayList<>();
    if (channel == null) {
      if (!Files.exists(file)) {
        return lines;
      }
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return lines;
      }
    }
    while (true) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n <= 0) {
        return lines;
      }
      byte[] bytes = buffer.array();
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          partial.write(bytes, from, i - from);
          lines.add(partial.toString(StandardCharsets.UTF_8));
          partial.reset();
          from = i + 1;
        }
      }
      partial.write(bytes, from, n - from);
      if (partial.size() >= PilotProtocol.MAX_LINE) {
        throw new IOException(file + ": a line is longer than " + PilotProtocol.MAX_LINE + " bytes; the file is not a pilot file"
            + " or was damaged");
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
