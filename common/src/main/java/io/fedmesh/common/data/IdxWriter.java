package io.fedmesh.common.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a classification data set as a gzip-compressed IDX pair that {@link IdxReader} reads:
 * {@code <prefix>-images-idx3-ubyte.gz} ([n, rows, cols] for one channel, or idx4 [n, channels,
 * rows, cols]) and {@code <prefix>-labels-idx1-ubyte.gz}; each atomically (temp + rename).
 * Values are stored as unsigned bytes, so pixels must lie in [0, 1] and labels in 0..255.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /** The two files written, images first. */
  public record Pair(Path images, Path labels) {}

  public static Pair write(Path dir, String prefix, Dataset data) throws IOException {
    List<Integer> shape = data.sampleShape();
    if (shape.size() != 3) {
      throw new IllegalArgumentException("IDX images need a [channels, rows, cols] sample shape, not " + shape);
    }
    if (data.classes() < 1 || data.classes() > 256) {
      throw new IllegalArgumentException("IDX labels are unsigned bytes: " + data.classes() + " classes do not fit");
    }
    boolean grey = shape.get(0) == 1;
    int[] dims = grey ? new int[] {data.rows(), shape.get(1), shape.get(2)}
        : new int[] {data.rows(), shape.get(0), shape.get(1), shape.get(2)};
    Path images = dir.resolve(prefix + "-images-idx" + dims.length + "-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    Files.createDirectories(dir);
    atomically(images, out -> {
      header(out, dims);
      byte[] row = new byte[data.features()];
      for (int r = 0; r < data.rows(); r++) {
        for (int f = 0; f < row.length; f++) {
          float v = data.x()[r * row.length + f];
          if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("sample " + r + " value " + f + " is " + v + "; IDX pixels must lie in [0, 1]");
          }
          row[f] = (byte) Math.round(v * 255);
        }
        out.write(row);
      }
    });
    atomically(labels, out -> {
      header(out, new int[] {data.rows()});
      for (int r = 0; r < data.rows(); r++) {
        out.write((int) data.y()[r]);
      }
    });
    return new Pair(images, labels);
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static void header(DataOutputStream out, int[] dims) throws IOException {
    out.writeInt(0x0800 | dims.length);
    for (int d : dims) {
      out.writeInt(d);
    }
  }

  private static void atomically(Path file, Body body) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream raw = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(raw, 64 * 1024)))) {
        body.write(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
