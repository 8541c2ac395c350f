package io.fedmesh.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ModelPatchTest {
  static byte[] f32(float... v) {
    return UpdateCodec.encode(v, UpdateEncoding.F32);
  }

  @Test
  void aPatchCarriesTheChangedParametersAndRebuildsTheNewVersionBitForBit() {
    float[] old = new float[100];
    float[] next = old.clone();
    next[3] = 1.5f;
    next[50] = -0f; // another bit pattern than +0: changed
    next[99] = Float.MIN_VALUE;
    ModelPatch.Patch patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    assertThat(patch.format()).isEqualTo(ModelPatch.Format.INDEXED); // 3 of 100: 24 bytes against a 13-byte bitmap + 12
    assertThat(patch.bytes()).hasSize(24);
    assertThat(ModelPatch.apply(f32(old), patch, Digests.sha256Hex(f32(next)))).isEqualTo(f32(next));
  }

  @Test
  void noPatchWhenItWouldNotBeSmallerOrTheShapesDiffer() {
    float[] old = new float[8];
    float[] next = {1, 2, 3, 4, 5, 6, 7, 0}; // 7 of 8 changed: a 1-byte bitmap + 28 against 32
    assertThat(ModelPatch.between(f32(old), f32(next))).isEmpty();
    next = new float[] {1, 2, 3, 4, 5, 6, 0, 0}; // 6 of 8: 1 + 24 bytes, over 0.75 of 32
    assertThat(ModelPatch.between(f32(old), f32(next))).isEmpty();
    next = new float[] {1, 2, 3, 4, 5, 0, 0, 0}; // 5 of 8: 1 + 20 bytes (indexed: 40), within 0.75 of 32: sent
    assertThat(ModelPatch.between(f32(old), f32(next)).orElseThrow().format()).isEqualTo(ModelPatch.Format.BITMAP);
    assertThat(ModelPatch.between(f32(old), f32(new float[9]))).isEmpty();
    assertThat(ModelPatch.between(f32(old), f32(old)).orElseThrow().bytes()).isEmpty();
  }

  static ModelPatch.Patch indexed(byte[] bytes) {
    return new ModelPatch.Patch(ModelPatch.Format.INDEXED, bytes);
  }

  @Test
  void aThirdOfTheModelChangedGoesAsABitmapAtHalfTheIndexedSize() {
    float[] old = new float[1000];
    float[] next = old.clone();
    for (int i = 0; i < next.length; i += 3) {
      next[i] = i + 1;
    }
    next[999] = 7; // the last parameter too: its bit is the last byte's
    ModelPatch.Patch patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    int changed = 334;
    assertThat(patch.format()).isEqualTo(ModelPatch.Format.BITMAP);
    assertThat(patch.bytes()).hasSize(125 + 4 * changed);
    assertThat(patch.bytes().length).isLessThan(8 * changed * 6 / 10);
    assertThat(ModelPatch.apply(f32(old), patch, Digests.sha256Hex(f32(next)))).isEqualTo(f32(next));
  }

  @Test
  void aBitmapNamingParametersPastTheModelOrOfTheWrongLengthIsRefused() {
    float[] old = new float[12];
    float[] next = old.clone();
    for (int i = 0; i < 8; i++) { // 8 of 12: a 2-byte bitmap + 32 against 64 indexed, within 0.75 of 48
      next[i] = i + 1;
    }
    String sha = Digests.sha256Hex(f32(next));
    ModelPatch.Patch patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    assertThat(patch.format()).isEqualTo(ModelPatch.Format.BITMAP);
    byte[] past = patch.bytes().clone();
    past[1] |= (byte) 0x80; // parameter 15 of 12
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), new ModelPatch.Patch(ModelPatch.Format.BITMAP, past), sha))
        .hasMessageContaining("past the model's 12");
    byte[] longer = java.util.Arrays.copyOf(patch.bytes(), patch.bytes().length + 4);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), new ModelPatch.Patch(ModelPatch.Format.BITMAP, longer), sha))
        .hasMessageContaining("naming 8 parameters is 34 bytes, got 38");
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), new ModelPatch.Patch(ModelPatch.Format.BITMAP, new byte[1]), sha))
        .hasMessageContaining("2 bytes of bitmap");
  }

  @Test
  void aBrokenPatchOrOneForOtherBytesIsRefused() {
    float[] old = new float[100]; // 2 of 100 changed: indexed (16 bytes) is smaller than a 13-byte bitmap + 8
    float[] next = old.clone();
    next[2] = 1;
    next[7] = 2;
    String sha = Digests.sha256Hex(f32(next));
    ModelPatch.Patch patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    assertThat(patch.format()).isEqualTo(ModelPatch.Format.INDEXED);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), indexed(java.util.Arrays.copyOf(patch.bytes(), 15)), sha))
        .hasMessageContaining("whole 8-byte");
    byte[] swapped = patch.bytes().clone();
    ByteBuffer.wrap(swapped).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7).putInt(4, 2);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), indexed(swapped), sha)).hasMessageContaining("entry 1 names parameter 2");
    byte[] beyond = patch.bytes().clone();
    ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 100);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), indexed(beyond), sha)).hasMessageContaining("below 100");
    float[] otherBase = old.clone();
    otherBase[5] = 9; // the site holds other bytes than the patch was made from: the digest says so
    assertThatThrownBy(() -> ModelPatch.apply(f32(otherBase), patch, sha)).hasMessageContaining("SHA-256");
    byte[] base = f32(old);
    ModelPatch.apply(base, patch, sha);
    assertThat(base).as("the held bytes are not changed").isEqualTo(f32(old));
  }
}
