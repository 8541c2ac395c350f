package io.fedmesh.common.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests of model weights (version identity in status and checkpoints). */
public final class Digests {
  private Digests() {}

  public static String sha256(float[] values) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        if (!buf.hasRemaining()) {
          md.update(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putFloat(v);
      }
      md.update(buf.array(), 0, buf.position());
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present in the JDK", e);
    }
  }

  /** Hex SHA-256 of raw bytes (no prefix). */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present in the JDK", e);
    }
  }
}
