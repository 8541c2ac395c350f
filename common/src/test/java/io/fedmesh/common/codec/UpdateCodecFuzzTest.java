package io.fedmesh.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Peer bytes into the update decoder: whatever the bytes, encoding and declared count, decode
 * either refuses with IllegalArgumentException (its documented refusal) before allocating, or
 * returns exactly {@code count} values that survive another trip through the codec. The seeds in
 * {@code UpdateCodecFuzzTestInputs/} replay in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class UpdateCodecFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decodeRefusesOrRoundTrips(FuzzedDataProvider in) {
    // dense encodings only: a top-k delta needs its base and is fuzzed in SparseDeltaTest
    UpdateEncoding encoding = in.pickValue(new UpdateEncoding[] {UpdateEncoding.F32, UpdateEncoding.F16, UpdateEncoding.Q8});
    int count = in.consumeInt(-8, 1 << 20);
    byte[] data = in.consumeRemainingAsBytes();
    float[] values;
    try {
      values = UpdateCodec.decode(data, encoding, count);
    } catch (IllegalArgumentException refused) {
      assertThat(data.length).as("refused only when the size does not match").isNotEqualTo(UpdateCodec.encodedSize(count, encoding));
      return;
    }
    assertThat(values).hasSize(count);
    assertThat((long) data.length).isEqualTo(UpdateCodec.encodedSize(count, encoding));
    if (encoding != UpdateEncoding.Q8) {
      // f32 and f16 are exact on their own values: decode(encode(v)) == v, bit for bit (NaNs as NaNs)
      float[] again = UpdateCodec.decode(UpdateCodec.encode(values, encoding), encoding, count);
      for (int i = 0; i < count; i++) {
        // boxed: Float.equals holds every NaN equal to NaN and tells -0 from +0
        assertThat(Float.valueOf(again[i])).isEqualTo(Float.valueOf(values[i]));
      }
    }
  }
}
