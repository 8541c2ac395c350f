package io.fedmesh.common.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST: an images file (unsigned bytes, dimensions [n, rows, cols], or
 * [n, channels, rows, cols]) and a labels file ([n] unsigned bytes), each gzip-compressed or not
 * (told by the 1f 8b magic, not the name). Pixels become floats in [0, 1].
 *
 * <p>The header is checked against the file before anything is allocated: a plain file must be
 * exactly as long as its header declares; a gzip file cannot hold more than {@link
 * #MAX_DEFLATE_RATIO} times its own size, and its payload is read in chunks, so a short or lying
 * file costs no more memory than the bytes it really holds.
 */
public final class IdxReader {
  /** Deflate cannot expand data by more than about 1032:1. */
  static final long MAX_DEFLATE_RATIO = 1032;
  private static final int UNSIGNED_BYTE = 0x08;
  private static final int CHUNK = 1 << 20;

  /** One parsed IDX file: its dimensions and its payload (one unsigned byte per value). */
  record IdxArray(Path file, int[] dims, byte[] data) {
    long values() {
      return data.length;
    }
  }

  private IdxReader() {}

  /** Reads an images file and its labels file as one classification data set. */
  public static Dataset read(Path images, Path labels) throws DatasetException {
    IdxArray img = readArray(images, 3, 4);
    IdxArray lab = readArray(labels, 1, 1);
    int n = img.dims()[0];
    if (lab.dims()[0] != n) {
      throw new DatasetException(labels, 0, null, "holds " + lab.dims()[0] + " labels but " + images + " holds " + n
          + " images; the two files must describe the same samples");
    }
    List<Integer> shape = new ArrayList<>();
    if (img.dims().length == 3) {
      shape.add(1); // grey: one channel
    }
    for (int i = 1; i < img.dims().length; i++) {
      shape.add(img.dims()[i]);
    }
    int features = Math.toIntExact(img.values() / n);
    float[] x = new float[img.data().length];
    byte[] pixels = img.data();
    for (int i = 0; i < pixels.length; i++) {
      x[i] = (pixels[i] & 0xff) / 255f;
    }
    float[] y = new float[n];
    int maxClass = 0;
    for (int i = 0; i < n; i++) {
      int label = lab.data()[i] & 0xff;
      y[i] = label;
      maxClass = Math.max(maxClass, label);
    }
    return new Dataset(images, List.of(), n, features, x, y, maxClass + 1, shape, List.of());
  }

  /** Reads one IDX file of unsigned bytes with {@code minDims..maxDims} dimensions. */
  static IdxArray readArray(Path file, int minDims, int maxDims) throws DatasetException {
    long fileLength;
    boolean gzip;
    try {
      fileLength = Files.size(file);
      gzip = isGzip(file);
    } catch (IOException e) {
      throw new DatasetException(file, 0, null, "cannot be read: " + e.getMessage());
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(gzip ? new GZIPInputStream(raw, 64 * 1024) : raw))) {
      int[] dims = header(file, in, minDims, maxDims);
      long headerBytes = 4 + 4L * dims.length;
      long payload = 1;
      for (int d : dims) {
        payload *= d; // each dimension is below 2^31 and there are at most 4: checked below before it can overflow
        if (payload > Integer.MAX_VALUE - 8) {
          throw new DatasetException(file, 0, null, "its header declares dimensions " + Arrays.toString(dims)
              + ", more values than one data set can hold (at most " + (Integer.MAX_VALUE - 8) + "); split the file");
        }
      }
      if (!gzip && fileLength != headerBytes + payload) {
        throw new DatasetException(file, 0, null, "is " + fileLength + " bytes but its header declares dimensions "
            + Arrays.toString(dims) + ", i.e. " + (headerBytes + payload) + " bytes; the file is "
            + (fileLength < headerBytes + payload ? "truncated" : "longer than declared") + " (download it again)");
      }
      if (gzip && payload > fileLength * MAX_DEFLATE_RATIO) {
        throw new DatasetException(file, 0, null, "is " + fileLength + " bytes compressed but its header declares dimensions "
            + Arrays.toString(dims) + " (" + payload + " bytes), more than gzip can hold in that size; the file is damaged");
      }
      byte[] data = readPayload(file, in, (int) payload);
      if (in.read() != -1) {
        throw new DatasetException(file, 0, null, "has bytes after the " + payload + " its header declares (dimensions "
            + Arrays.toString(dims) + "); the file is damaged");
      }
      return new IdxArray(file, dims, data);
    } catch (EOFException e) {
      throw new DatasetException(file, 0, null, "ends early (" + e.getMessage() + "); it is truncated or not an IDX file");
    } catch (IOException e) {
      throw new DatasetException(file, 0, null, "cannot be read" + (gzip ? " as gzip" : "") + ": " + e.getMessage());
    }
  }

  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static int[] header(Path file, DataInputStream in, int minDims, int maxDims) throws IOException, DatasetException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DatasetException(file, 0, null, "is shorter than an IDX header (4 bytes of magic number); it is not an IDX file");
    }
    int type = (magic >>> 8) & 0xff;
    int count = magic & 0xff;
    if ((magic >>> 16) != 0) {
      throw new DatasetException(file, 0, null, String.format("starts with 0x%08x, not an IDX magic number (0x0000TTDD);"
          + " it is not an IDX file", magic));
    }
    if (type != UNSIGNED_BYTE) {
      throw new DatasetException(file, 0, null, String.format("holds values of IDX type 0x%02x; fedmesh reads unsigned bytes"
          + " (0x08) only", type));
    }
    if (count < minDims || count > maxDims) {
      throw new DatasetException(file, 0, null, "has " + count + " dimensions; expected " + (minDims == maxDims ? minDims
          : minDims + " to " + maxDims) + (minDims == 1 ? " (labels: [n])" : " (images: [n, rows, cols] or [n, channels, rows, cols])"));
    }
    int[] dims = new int[count];
    for (int i = 0; i < count; i++) {
      try {
        dims[i] = in.readInt();
      } catch (EOFException e) {
        throw new DatasetException(file, 0, null, "ends inside its header (dimension " + i + " of " + count + "); it is truncated");
      }
      if (dims[i] <= 0) {
        throw new DatasetException(file, 0, null, "dimension " + i + " is " + dims[i] + " in its header; every dimension must be"
            + " positive");
      }
    }
    return dims;
  }

  /** Reads exactly {@code length} bytes, growing the buffer only as bytes arrive. */
  private static byte[] readPayload(Path file, InputStream in, int length) throws IOException, DatasetException {
    byte[] buf = new byte[Math.min(length, CHUNK)];
    int filled = 0;
    while (filled < length) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
      }
      int r;
      try {
        r = in.read(buf, filled, buf.length - filled);
      } catch (EOFException e) {
        r = -1; // a gzip stream cut short
      }
      if (r < 0) {
        throw new DatasetException(file, 0, null, "ends after " + filled + " of the " + length + " data bytes its header"
            + " declares; the file is truncated (download it again)");
      }
      filled += r;
    }
    return buf;
  }
}
