package io.fedmesh.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.codec.UpdateEncoding;
import org.junit.jupiter.api.Test;

class EncodingChoiceTest {
  static FederatedTrainingSpec.WanPolicy wan(FederatedTrainingSpec.WanPolicy.Compression c) {
    FederatedTrainingSpec.WanPolicy w = new FederatedTrainingSpec.WanPolicy();
    w.compression = c;
    return w;
  }

  static final FederatedTrainingSpec.WanPolicy AUTO = wan(FederatedTrainingSpec.WanPolicy.Compression.AUTO);

  @Test
  void autoSendsTheWidestEncodingWhoseUploadFitsAQuarterOfTheDeadline() {
    // a ResNet-18 (11 M parameters) with a 60 s deadline: 15 s for the upload
    long resnet = 11_000_000;
    EncodingChoice.Choice fast = EncodingChoice.choose(AUTO, resnet, 100, 60);
    assertThat(fast.encoding()).as("44 MB in 3.5 s at 100 Mbit/s").isEqualTo(UpdateEncoding.F32);
    EncodingChoice.Choice mid = EncodingChoice.choose(AUTO, resnet, 20, 60);
    assertThat(mid.encoding()).as("f32 takes 17.6 s at 20 Mbit/s, f16 8.8 s").isEqualTo(UpdateEncoding.F16);
    assertThat(mid.reason()).isEqualTo("f16, 22,000,000 bytes: 8.80 s at the measured 20.0 Mbit/s, within a quarter of the 60.0 s deadline");
  }

  @Test
  void aSmallModelGoesExactEvenOverASlowLinkAndAnUnmeasuredSiteGoesExactToo() {
    assertThat(EncodingChoice.choose(AUTO, 1_000, 2, 10).encoding()).as("4 KB in 16 ms").isEqualTo(UpdateEncoding.F32);
    EncodingChoice.Choice unmeasured = EncodingChoice.choose(AUTO, 11_000_000, 0, 60);
    assertThat(unmeasured.encoding()).isEqualTo(UpdateEncoding.F32);
    assertThat(unmeasured.reason()).isEqualTo("f32, 44,000,000 bytes: auto: no upload measured yet");
  }

  @Test
  void aFixedCompressionIsWhatTheSpecSays() {
    assertThat(EncodingChoice.choose(null, 10, 1, 1).reason()).isEqualTo("f32, 40 bytes: spec.wan.compression none");
    assertThat(EncodingChoice.choose(wan(FederatedTrainingSpec.WanPolicy.Compression.INT8), 10, 1000, 60).encoding())
        .isEqualTo(UpdateEncoding.Q8);
    assertThat(EncodingChoice.choose(wan(FederatedTrainingSpec.WanPolicy.Compression.FP16), 10, 1000, 60).reason())
        .isEqualTo("f16, 20 bytes: spec.wan.compression fp16");
  }

  @Test
  void autoSendsATopKDeltaThatFitsWhenNotEvenInt8DoesButBufferedAsyncStopsAtInt8() {
    long resnet = 11_000_000;
    // 1 Mbit/s, 60 s deadline: 15 s for the upload is 1.875 MB, int8 (11 MB) takes 88 s; 1.875 MB / 8 B = 2.13 % of the values
    EncodingChoice.Choice sparse = EncodingChoice.choose(AUTO, resnet, 1, 60);
    assertThat(sparse.encoding()).isEqualTo(UpdateEncoding.TOPK);
    assertThat(sparse.topkFraction()).isCloseTo(0.0213, org.assertj.core.data.Offset.offset(0.0001));
    assertThat(sparse.reason()).isEqualTo("topk 2.1% (234,375 of 11,000,000 values), 1,875,000 bytes: 15.00 s at the measured 1.0 Mbit/s,"
        + " within a quarter of the 60.0 s deadline (q8 would take 88.17 s)");
    // a link so slow that even 0.1 % does not fit: the sparsest auto sends, and says it is over
    EncodingChoice.Choice sparsest = EncodingChoice.choose(AUTO, resnet, 0.01, 60);
    assertThat(sparsest.topkFraction()).isEqualTo(EncodingChoice.MIN_AUTO_FRACTION);
    assertThat(sparsest.reason()).startsWith("topk 0.1% (11,000 of 11,000,000 values), 88,000 bytes: the sparsest auto sends; 70.40 s");
  }

  @Test
  void fixedTopKSendsItsFractionOrTheDefault() {
    FederatedTrainingSpec.WanPolicy topk = wan(FederatedTrainingSpec.WanPolicy.Compression.TOPK);
    assertThat(EncodingChoice.choose(topk, 1000, 1, 60).reason()).isEqualTo("topk 1% (10 of 1,000 values), 80 bytes: spec.wan.compression topk");
    topk.topkFraction = 0.05;
    EncodingChoice.Choice c = EncodingChoice.choose(topk, 1000, 1, 60);
    assertThat(c.encoding()).isEqualTo(UpdateEncoding.TOPK);
    assertThat(c.topkFraction()).isEqualTo(0.05);
  }
}
