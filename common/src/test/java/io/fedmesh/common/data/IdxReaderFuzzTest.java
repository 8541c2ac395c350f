package io.fedmesh.common.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary bytes as an IDX file (plain or gzip): the reader either refuses with {@link
 * DatasetException} or returns exactly the values its header declares, and never allocates more
 * than the bytes that really arrive (a lying header in a small file must not run the JVM out of
 * memory). Seeds in {@code IdxReaderFuzzTestInputs/} replay in {@code mvn test}.
 */
class IdxReaderFuzzTest {
  static Path dir;

  @BeforeAll
  static void makeDir() throws Exception {
    dir = Files.createTempDirectory("idx-fuzz");
  }

  @AfterAll
  static void removeDir() throws Exception {
    Files.deleteIfExists(dir.resolve("data-idx"));
    Files.delete(dir);
  }

  @FuzzTest(maxDuration = "60s")
  void readArrayRefusesOrMatchesItsHeader(byte[] bytes) throws Exception {
    Path file = Files.write(dir.resolve("data-idx"), bytes);
    IdxReader.IdxArray a;
    try {
      a = IdxReader.readArray(file, 1, 4);
    } catch (DatasetException refused) {
      assertThat(refused.file()).isEqualTo(file);
      return;
    }
    long declared = 1;
    for (int d : a.dims()) {
      assertThat(d).isPositive();
      declared *= d;
    }
    assertThat(a.values()).isEqualTo(declared);
    if (!IdxReader.isGzip(file)) {
      assertThat(bytes.length).isEqualTo(4 + 4 * a.dims().length + a.data().length);
    }
  }
}
