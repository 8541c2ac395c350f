package io.fedmesh.common.codec;

import io.fedmesh.proto.federation.v1.Encoding;

/** Wire encodings of model weights; smaller ones trade precision for WAN bytes. */
public enum UpdateEncoding {
  /** Little-endian float32: exact. */
  F32(Encoding.ENCODING_F32),
  /** IEEE half precision: half the bytes, ~3 significant digits. */
  F16(Encoding.ENCODING_F16),
  /** 8-bit linear quantization per block of {@link UpdateCodec#Q8_BLOCK} values: about a quarter. */
  Q8(Encoding.ENCODING_Q8),
  /**
   * The k largest entries of the delta against the base model ({@link SparseDelta}): 8 bytes per
   * kept entry; the site carries the rest into its next round (error feedback).
   */
  TOPK(Encoding.ENCODING_TOPK);

  private final Encoding proto;

  UpdateEncoding(Encoding proto) {
    this.proto = proto;
  }

  /** Whether the payload is a delta against the base model rather than the weights themselves. */
  public boolean isDelta() {
    return this == TOPK;
  }

  public Encoding toProto() {
    return proto;
  }

  public static UpdateEncoding fromProto(Encoding e) {
    return switch (e) {
      case ENCODING_F16 -> F16;
      case ENCODING_Q8 -> Q8;
      case ENCODING_TOPK -> TOPK;
      default -> F32;
    };
  }
}
