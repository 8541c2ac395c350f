package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  /** 5 grey 3x4 images with pixel values k/255 and labels 0..4. */
  private static Dataset sample() {
    int n = 5;
    float[] x = new float[n * 12];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7 % 256) / 255f;
    }
    float[] y = {0, 1, 2, 3, 4};
    return new Dataset(Path.of("mem"), List.of(), n, 12, x, y, 5, List.of(1, 3, 4), List.of());
  }

  @Test
  void gzipRoundTripKeepsPixelsLabelsAndShape() throws Exception {
    IdxWriter.Pair p = IdxWriter.write(dir, "train", sample());
    assertThat(p.images().getFileName().toString()).isEqualTo("train-images-idx3-ubyte.gz");
    assertThat(IdxReader.isGzip(p.images())).isTrue();
    Dataset d = IdxReader.read(p.images(), p.labels());
    assertThat(d.rows()).isEqualTo(5);
    assertThat(d.sampleShape()).containsExactly(1, 3, 4);
    assertThat(d.x()).containsExactly(sample().x());
    assertThat(d.y()).containsExactly(0f, 1f, 2f, 3f, 4f);
    assertThat(d.classes()).isEqualTo(5);
  }

  @Test
  void plainFilesAreReadTooWhateverTheirName() throws Exception {
    IdxWriter.Pair p = IdxWriter.write(dir, "gz", sample());
    // plain content under a .gz-looking name: the magic decides, not the name
    Path images = gunzip(p.images(), dir.resolve("plain-images-idx3-ubyte.gz"));
    Path labels = gunzip(p.labels(), dir.resolve("plain-labels-idx1-ubyte"));
    assertThat(IdxReader.isGzip(images)).isFalse();
    Dataset d = IdxReader.read(images, labels);
    assertThat(d.x()).containsExactly(sample().x());
    assertThat(d.y()).containsExactly(sample().y());
  }

  @Test
  void rgbImagesRoundTripAsIdx4() throws Exception {
    float[] x = new float[2 * 3 * 2 * 2];
    Arrays.fill(x, 1f);
    Dataset rgb = new Dataset(Path.of("mem"), List.of(), 2, 12, x, new float[] {1, 0}, 2, List.of(3, 2, 2), List.of());
    IdxWriter.Pair p = IdxWriter.write(dir, "rgb", rgb);
    assertThat(p.images().getFileName().toString()).isEqualTo("rgb-images-idx4-ubyte.gz");
    assertThat(IdxReader.read(p.images(), p.labels()).sampleShape()).containsExactly(3, 2, 2);
  }

  @Test
  void aPlainFileShorterThanItsHeaderDeclaresIsRefusedBeforeAllocating() throws Exception {
    // declares 100000 x 100 x 100 = 10^9 bytes (4 GB as floats, over this JVM's heap) but holds 10
    Path f = dir.resolve("huge-images-idx3-ubyte");
    Files.write(f, concat(header(0x0803, 100_000, 100, 100), new byte[10]));
    assertThatThrownBy(() -> IdxReader.readArray(f, 3, 3)).isInstanceOf(DatasetException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("truncated").hasMessageContaining("[100000, 100, 100]");
  }

  @Test
  void aGzipFileDeclaringMoreThanItCanHoldIsRefusedBeforeAllocating() throws Exception {
    Path f = dir.resolve("huge-images-idx3-ubyte.gz");
    Files.write(f, gzip(concat(header(0x0803, 100_000, 100, 100), new byte[100])));
    assertThatThrownBy(() -> IdxReader.readArray(f, 3, 3)).isInstanceOf(DatasetException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("more than gzip can hold");
  }

  @Test
  void aTruncatedGzipPayloadIsRefused() throws Exception {
    Path f = dir.resolve("short-images-idx3-ubyte.gz");
    Files.write(f, gzip(concat(header(0x0803, 10, 28, 28), new byte[28 * 28 * 3])));
    assertThatThrownBy(() -> IdxReader.readArray(f, 3, 3)).hasMessageContaining(f.toString())
        .hasMessageContaining("ends after 2352 of the 7840 data bytes");
  }

  @Test
  void aCutGzipStreamIsRefused() throws Exception {
    byte[] whole = gzip(concat(header(0x0803, 10, 28, 28), new byte[7840]));
    Path f = dir.resolve("cut-images-idx3-ubyte.gz");
    Files.write(f, Arrays.copyOf(whole, whole.length - 12));
    assertThatThrownBy(() -> IdxReader.readArray(f, 3, 3)).isInstanceOf(DatasetException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void trailingBytesWrongMagicTypeAndDimensionsAreRefused() throws Exception {
    Path longer = dir.resolve("a");
    Files.write(longer, concat(header(0x0801, 3), new byte[4]));
    assertThatThrownBy(() -> IdxReader.readArray(longer, 1, 1)).hasMessageContaining("longer than declared");
    Path png = dir.resolve("b");
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
    assertThatThrownBy(() -> IdxReader.readArray(png, 1, 1)).hasMessageContaining("not an IDX magic number");
    Path floats = dir.resolve("c");
    Files.write(floats, concat(header(0x0D01, 1), new byte[4]));
    assertThatThrownBy(() -> IdxReader.readArray(floats, 1, 1)).hasMessageContaining("type 0x0d");
    Path labelsAsImages = dir.resolve("d");
    Files.write(labelsAsImages, concat(header(0x0801, 2), new byte[2]));
    assertThatThrownBy(() -> IdxReader.readArray(labelsAsImages, 3, 4)).hasMessageContaining("has 1 dimensions; expected 3 to 4");
    Path zero = dir.resolve("e");
    Files.write(zero, header(0x0803, 0, 28, 28));
    assertThatThrownBy(() -> IdxReader.readArray(zero, 3, 3)).hasMessageContaining("dimension 0 is 0");
    Path empty = dir.resolve("f");
    Files.write(empty, new byte[2]);
    assertThatThrownBy(() -> IdxReader.readArray(empty, 3, 3)).hasMessageContaining("shorter than an IDX header");
  }

  @Test
  void imageAndLabelCountsMustAgree() throws Exception {
    IdxWriter.Pair five = IdxWriter.write(dir, "five", sample());
    Path three = dir.resolve("three-labels-idx1-ubyte");
    Files.write(three, concat(header(0x0801, 3), new byte[] {0, 1, 2}));
    assertThatThrownBy(() -> IdxReader.read(five.images(), three)).isInstanceOf(DatasetException.class)
        .hasMessageContaining(three.toString()).hasMessageContaining("holds 3 labels but").hasMessageContaining("holds 5 images");
  }

  private static byte[] header(int magic, int... dims) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    return b.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(b)) {
      out.write(data);
    }
    return b.toByteArray();
  }

  private static Path gunzip(Path from, Path to) throws Exception {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(from))) {
      Files.write(to, in.readAllBytes());
    }
    return to;
  }
}
