package io.fedmesh.operator.placement;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import java.util.List;

/**
 * The encoding of one site's update in one round, and why. {@code compression: auto} picks the
 * widest encoding (fp32, then fp16, then int8) whose upload fits the site's share of the round at
 * its measured upload rate: a quarter of the deadline, the rest being download and training. A
 * model whose fp32 update takes milliseconds goes as fp32 however slow the link; one that fits
 * nowhere goes as int8, the smallest.
 */
public final class EncodingChoice {
  /** The part of the round's deadline an upload may take. */
  static final double UPLOAD_SHARE = 0.25;
  private static final List<UpdateEncoding> WIDEST_FIRST = List.of(UpdateEncoding.F32, UpdateEncoding.F16, UpdateEncoding.Q8);

  /** An encoding and the reason for it, as the round record shows it. */
  public record Choice(UpdateEncoding encoding, String reason) {}

  private EncodingChoice() {}

  /**
   * @param parameters the model's parameter count
   * @param uploadMbps the site's measured upload rate (0 or less: not measured yet)
   * @param deadlineSeconds the round's deadline
   */
  public static Choice choose(FederatedTrainingSpec.WanPolicy wan, long parameters, double uploadMbps, double deadlineSeconds) {
    FederatedTrainingSpec.WanPolicy.Compression c = wan == null || wan.compression == null ? FederatedTrainingSpec.WanPolicy.Compression.NONE
        : wan.compression;
    int n = (int) Math.min(Integer.MAX_VALUE, parameters);
    return switch (c) {
      case NONE -> fixed(UpdateEncoding.F32, n, "spec.wan.compression none");
      case FP16 -> fixed(UpdateEncoding.F16, n, "spec.wan.compression fp16");
      case INT8 -> fixed(UpdateEncoding.Q8, n, "spec.wan.compression int8");
      case AUTO -> auto(n, uploadMbps, deadlineSeconds);
    };
  }

  private static Choice auto(int n, double uploadMbps, double deadlineSeconds) {
    if (!(uploadMbps > 0)) {
      return fixed(UpdateEncoding.F32, n, "auto: no upload measured yet");
    }
    double budget = UPLOAD_SHARE * deadlineSeconds;
    for (UpdateEncoding e : WIDEST_FIRST) {
      double seconds = seconds(e, n, uploadMbps);
      if (seconds <= budget) {
        return new Choice(e, String.format("%s, %,d bytes: %.2f s at the measured %.1f Mbit/s, within a quarter of the %.1f s deadline",
            name(e), UpdateCodec.encodedSize(n, e), seconds, uploadMbps, deadlineSeconds));
      }
    }
    UpdateEncoding smallest = UpdateEncoding.Q8;
    return new Choice(smallest, String.format("%s, %,d bytes: the smallest; %.2f s at the measured %.1f Mbit/s is over a quarter of the"
        + " %.1f s deadline", name(smallest), UpdateCodec.encodedSize(n, smallest), seconds(smallest, n, uploadMbps), uploadMbps,
        deadlineSeconds));
  }

  static double seconds(UpdateEncoding e, int n, double mbps) {
    return UpdateCodec.encodedSize(n, e) * 8.0 / (mbps * 1e6);
  }

  private static Choice fixed(UpdateEncoding e, int n, String why) {
    return new Choice(e, String.format("%s, %,d bytes: %s", name(e), UpdateCodec.encodedSize(n, e), why));
  }

  static String name(UpdateEncoding e) {
    return switch (e) {
      case F32 -> "f32";
      case F16 -> "f16";
      case Q8 -> "q8";
    };
  }
}
