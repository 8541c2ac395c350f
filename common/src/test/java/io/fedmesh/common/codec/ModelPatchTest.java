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
    byte[] patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    assertThat(patch).hasSize(24);
    assertThat(ModelPatch.apply(f32(old), patch, Digests.sha256Hex(f32(next)))).isEqualTo(f32(next));
  }

  @Test
  void noPatchWhenItWouldNotBeSmallerOrTheShapesDiffer() {
    float[] old = new float[8];
    float[] next = {1, 2, 3, 4, 5, 6, 0, 0}; // 6 of 8 changed: 48 bytes against 32
    assertThat(ModelPatch.between(f32(old), f32(next))).isEmpty();
    next = new float[] {1, 2, 3, 0, 0, 0, 0, 0}; // 3 of 8: 24 bytes, 0.75 of 32: still sent
    assertThat(ModelPatch.between(f32(old), f32(next))).isPresent();
    assertThat(ModelPatch.between(f32(old), f32(new float[9]))).isEmpty();
    assertThat(ModelPatch.between(f32(old), f32(old)).orElseThrow()).isEmpty();
  }

  @Test
  void aBrokenPatchOrOneForOtherBytesIsRefused() {
    float[] old = new float[10];
    float[] next = old.clone();
    next[2] = 1;
    next[7] = 2;
    String sha = Digests.sha256Hex(f32(next));
    byte[] patch = ModelPatch.between(f32(old), f32(next)).orElseThrow();
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), java.util.Arrays.copyOf(patch, 15), sha)).hasMessageContaining("whole 8-byte");
    byte[] swapped = patch.clone();
    ByteBuffer.wrap(swapped).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7).putInt(4, 2);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), swapped, sha)).hasMessageContaining("entry 1 names parameter 2");
    byte[] beyond = patch.clone();
    ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 10);
    assertThatThrownBy(() -> ModelPatch.apply(f32(old), beyond, sha)).hasMessageContaining("below 10");
    float[] otherBase = old.clone();
    otherBase[5] = 9; // the site holds other bytes than the patch was made from: the digest says so
    assertThatThrownBy(() -> ModelPatch.apply(f32(otherBase), patch, sha)).hasMessageContaining("SHA-256");
    byte[] base = f32(old);
    ModelPatch.apply(base, patch, sha);
    assertThat(base).as("the held bytes are not changed").isEqualTo(f32(old));
  }
}
