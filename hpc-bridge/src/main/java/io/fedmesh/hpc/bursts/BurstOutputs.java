package io.fedmesh.hpc.bursts;

import com.google.protobuf.ByteString;
import io.fedmesh.common.data.CsvJoiner;
import io.fedmesh.common.grpc.Chunks;
import io.fedmesh.proto.hpc.v1.DataChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A burst's samples: the CSV files in its output directory joined into one table (files in name
 * order, which is task order; header once), served as chunks from any offset.
 */
public final class BurstOutputs {
  private BurstOutputs() {}

  /** An output whose header differs from the first output's, so the files cannot be joined. */
  public static final class HeaderMismatchException extends Exception {
    HeaderMismatchException(String message) {
      super(message);
    }
  }

  /** The joined table: its bytes and how many sample rows it has. */
  public record Joined(byte[] bytes, long samples) {
    /** Sends the table from {@code offset} on in chunks, the last one marked. */
    public void send(long offset, Consumer<DataChunk> out) {
      Chunks.send(bytes, offset, (from, len, last) -> out.accept(DataChunk.newBuilder().setOffset(from)
          .setTotalBytes(bytes.length).setSamples(samples).setData(ByteString.copyFrom(bytes, from, len)).setLast(last).build()));
    }
  }

  /**
   * The CSV files in {@code outputDir} joined; an empty table when there is no such directory. Only
   * regular files count: a task that leaves a symbolic link there (to /etc/shadow, say) cannot make
   * the bridge serve what lies outside its work dir.
   */
  public static Joined join(Path outputDir) throws IOException, HeaderMismatchException {
    CsvJoiner data = new CsvJoiner();
    if (Files.isDirectory(outputDir)) {
      try (Stream<Path> files = Files.list(outputDir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".csv") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
          List<String> lines = Files.readAllLines(f);
          if (!data.append(lines)) {
            throw new HeaderMismatchException(f.getFileName() + " has header '" + lines.get(0)
                + "' but the burst's first output has '" + data.header() + "'");
          }
        }
      }
    }
    return new Joined(data.bytes(), data.rows());
  }
}
