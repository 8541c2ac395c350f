package io.fedmesh.mesh.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteUnitsTest {
  @Test
  void theUnitIsTheLargestInWhichTheValueIsAtLeastOne() {
    assertThat(ByteUnits.forMax(0).name()).isEqualTo("B");
    assertThat(ByteUnits.forMax(1023).name()).isEqualTo("B");
    assertThat(ByteUnits.forMax(1024).name()).isEqualTo("KiB");
    assertThat(ByteUnits.forMax(5L << 20).name()).isEqualTo("MiB");
    assertThat(ByteUnits.forMax(3L << 30).of(3L << 30)).isEqualTo(3.0);
    assertThat(ByteUnits.forMax(Double.MAX_VALUE).name()).isEqualTo("TiB");
  }

  @Test
  void readableTotals() {
    assertThat(ByteUnits.readable(512)).isEqualTo("512 B");
    assertThat(ByteUnits.readable(1536)).isEqualTo("1.5 KiB");
    assertThat(ByteUnits.readable(23_400_000)).isEqualTo("22.3 MiB");
  }
}
