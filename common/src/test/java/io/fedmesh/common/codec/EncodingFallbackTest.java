package io.fedmesh.common.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EncodingFallbackTest {

  @Test
  void fp16IsKeptWhileItCanHoldTheValuesAndWidenedWhenItWouldOverflow() {
    float[] small = {1.5f, -65504f, 0f};
    assertEquals(UpdateEncoding.F16, EncodingFallback.forValues(small, UpdateEncoding.F16));
    float[] big = {1.5f, 70000f};
    assertTrue(Float.isInfinite(UpdateCodec.decode(UpdateCodec.encode(big, UpdateEncoding.F16), UpdateEncoding.F16, 2)[1]),
        "the premise: fp16 turns 70000 into infinity");
    UpdateEncoding chosen = EncodingFallback.forValues(big, UpdateEncoding.F16);
    assertEquals(UpdateEncoding.F32, chosen);
    assertEquals(70000f, UpdateCodec.decode(UpdateCodec.encode(big, chosen), chosen, 2)[1]);
  }

  @Test
  void q8IsWidenedWhenABlocksRangeOverflowsAFloat() {
    float[] wide = {-3e38f, 3e38f};
    assertEquals(UpdateEncoding.F32, EncodingFallback.forValues(wide, UpdateEncoding.Q8));
    assertEquals(UpdateEncoding.Q8, EncodingFallback.forValues(new float[] {-1f, 1f}, UpdateEncoding.Q8));
    assertEquals(UpdateEncoding.F32, EncodingFallback.forValues(new float[] {1f}, UpdateEncoding.F32));
  }
}
