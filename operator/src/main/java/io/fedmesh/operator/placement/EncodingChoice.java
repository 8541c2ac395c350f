package io.fedmesh.operator.placement;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.codec.SparseDelta;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import java.util.List;

/**
 * The encoding of one site's update in one round, and why. {@code compression: auto} picks the
 * widest encoding (fp32, then fp16, then int8) whose upload fits the site's share of the round at
 * its measured upload rate: a quarter of the deadline, the rest being download and training. When
 * not even int8 fits, a synchronous round sends the top-k of the delta with the largest fraction
 * that fits (never below {@link #MIN_AUTO_FRACTION}); BufferedAsync, whose updates are folded onto
 * newer models than they were trained from, stops at int8. A model whose fp32 update takes
 * milliseconds goes as fp32 however slow the link.
 */
public final class EncodingChoice {
  /** The part of the round's deadline an upload may take. */
  static final double UPLOAD_SHARE = 0.25;
  /** compression topk without topkFraction. */
  static final double DEFAULT_TOPK_FRACTION = 0.01;
  /** The sparsest update auto sends: below it the few values left hardly train the model. */
  static final double MIN_AUTO_FRACTION = 0.001;
  private static final List<UpdateEncoding> WIDEST_FIRST = List.of(UpdateEncoding.F32, UpdateEncoding.F16, UpdateEncoding.Q8);

  /**
   * An encoding and the reason for it, as the round record shows it.
   *
   * @param topkFraction for {@link UpdateEncoding#TOPK}, the fraction of the parameters sent; else 0
   */
  public record Choice(UpdateEncoding encoding, double topkFraction, String reason) {
    public Choice(UpdateEncoding encoding, String reason) {
      this(encoding, 0, reason);
    }
  }

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
      case TOPK -> topk(n, wan.topkFraction == null ? DEFAULT_TOPK_FRACTION : wan.topkFraction, "spec.wan.compression topk");
      case AUTO -> auto(n, uploadMbps, deadlineSeconds);
    };
  }

  private static Choice auto(int n, double uploadMbps, double deadlineSeconds) {
    if (!(uploadMbps > 0)) {
      return fixed(UpdateEncoding.F32, n, "auto: no upload measured yet");
    }
    double budget = UPLOAD_SHARE * deadlineSeconds;
    for (UpdateEncoding e : WIDEST_FIRST) {
      double seconds = seconds(UpdateCodec.encodedSize(n, e), uploadMbps);
      if (seconds <= budget) {
        return new Choice(e, String.format("%s, %,d bytes: %.2f s at the measured %.1f Mbit/s, within a quarter of the %.1f s deadline",
            name(e), UpdateCodec.encodedSize(n, e), seconds, uploadMbps, deadlineSeconds));
      }
    }
    double fitting = budget * uploadMbps * 1e6 / 8 / SparseDelta.BYTES_PER_VALUE / n;
    double fraction = Math.max(MIN_AUTO_FRACTION, Math.min(SparseDelta.MAX_FRACTION, fitting));
    int k = SparseDelta.valuesFor(n, fraction);
    double seconds = seconds(SparseDelta.encodedSize(k), uploadMbps);
    return topk(n, fraction, String.format(fitting >= MIN_AUTO_FRACTION
        ? "%.2f s at the measured %.1f Mbit/s, within a quarter of the %.1f s deadline (q8 would take %.2f s)"
        : "the sparsest auto sends; %.2f s at the measured %.1f Mbit/s is over a quarter of the %.1f s deadline (q8: %.2f s)",
        seconds, uploadMbps, deadlineSeconds, seconds(UpdateCodec.encodedSize(n, UpdateEncoding.Q8), uploadMbps)));
  }

  private static Choice topk(int n, double fraction, String why) {
    int k = SparseDelta.valuesFor(n, fraction);
    return new Choice(UpdateEncoding.TOPK, fraction, String.format("topk %s (%,d of %,d values), %,d bytes: %s",
        percent(fraction), k, n, SparseDelta.encodedSize(k), why));
  }

  private static String percent(double fraction) {
    return new java.math.BigDecimal(fraction * 100).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString() + "%";
  }

  static double seconds(long bytes, double mbps) {
    return bytes * 8.0 / (mbps * 1e6);
  }

  private static Choice fixed(UpdateEncoding e, int n, String why) {
    return new Choice(e, String.format("%s, %,d bytes: %s", name(e), UpdateCodec.encodedSize(n, e), why));
  }

  static String name(UpdateEncoding e) {
    return switch (e) {
      case F32 -> "f32";
      case F16 -> "f16";
      case Q8 -> "q8";
      case TOPK -> "topk";
    };
  }
}
