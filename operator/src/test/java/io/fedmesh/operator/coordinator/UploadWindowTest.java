package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads in flight hold at most the coordinator's upload window: one that does not fit is asked
 * to come again (UNAVAILABLE), with nothing recorded against its site, and lands once the window
 * has room; however an upload ends, it gives its room back.
 */
class UploadWindowTest {
  static final String T = "default/t";
  static final ModelDescription MODEL = ModelDescription.of(new MlpSpec(new int[] {2, 3, 2}, Activation.RELU, TaskKind.CLASSIFICATION));
  @TempDir Path dir;

  /** What an upload's observer heard. */
  static final class Heard implements StreamObserver<UploadUpdateResponse> {
    final List<UploadUpdateResponse> answers = new ArrayList<>();
    Throwable error;

    @Override
    public void onNext(UploadUpdateResponse r) {
      answers.add(r);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }

  @Test
  void anUploadThatDoesNotFitIsAskedAgainAndLandsOnceTheWindowHasRoom() {
    int n = (int) MODEL.parameterCount();
    long one = UploadWindow.reservation(n, 4L * n);
    Federation federation = new Federation(new AcceptedUpdateStore(dir), new UploadWindow(one)); // room for one upload
    float[] global = new float[n];
    federation.models.publish(T, "t-r0", MODEL, global);
    federation.inbox.open(T, 1, "t-r0", Set.of("site-a", "site-b", "site-c"), global, true);

    Heard heardA = new Heard();
    UpdateReceiver a = new UpdateReceiver(federation, heardA, (t, b) -> { });
    a.onNext(first("site-a", n)); // header and half the weights: in flight
    assertThat(federation.uploads.inFlightBytes()).isEqualTo(one);

    Heard heardB = new Heard();
    UpdateReceiver b = new UpdateReceiver(federation, heardB, (t, x) -> { });
    b.onNext(first("site-b", n));
    assertThat(Status.fromThrowable(heardB.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(heardB.error).hasMessageContaining("upload window is full").hasMessageContaining(T + "/1/site-b");
    assertThat(federation.inbox.refusals(T, 1)).as("not a refusal: site-b is still waited for").isEmpty();

    a.onNext(rest("site-a", n));
    a.onCompleted();
    assertThat(heardA.answers).singleElement().satisfies(r -> assertThat(r.getAccepted()).isTrue());
    assertThat(federation.uploads.inFlightBytes()).isZero();

    Heard again = new Heard();
    UpdateReceiver retry = new UpdateReceiver(federation, again, (t, x) -> { });
    retry.onNext(first("site-b", n));
    retry.onNext(rest("site-b", n));
    retry.onCompleted();
    assertThat(again.answers).singleElement().satisfies(r -> assertThat(r.getAccepted()).isTrue());
    assertThat(federation.inbox.receivedSites(T, 1)).containsExactlyInAnyOrder("site-a", "site-b");

    // an upload the site abandons, and one refused for its content, give their room back too
    UpdateReceiver abandoned = new UpdateReceiver(federation, new Heard(), (t, x) -> { });
    abandoned.onNext(first("site-c", n));
    abandoned.onError(new RuntimeException("the site went away"));
    assertThat(federation.uploads.inFlightBytes()).isZero();
    UpdateReceiver spoiled = new UpdateReceiver(federation, new Heard(), (t, x) -> { });
    spoiled.onNext(first("site-c", n));
    spoiled.onNext(UpdateChunk.newBuilder().setOffset(0).setData(ByteString.copyFrom(new byte[4])).build()); // wrong offset
    assertThat(federation.uploads.inFlightBytes()).isZero();
  }

  @Test
  void oneUploadLargerThanTheWindowStillLandsAlone() {
    UploadWindow w = new UploadWindow(10);
    assertThat(w.tryOpen(100)).isTrue();
    assertThat(w.tryOpen(1)).isFalse();
    w.close(100);
    assertThat(w.tryOpen(6)).isTrue();
    assertThat(w.tryOpen(4)).isTrue();
    assertThat(w.tryOpen(1)).isFalse();
  }

  private static byte[] weights(int n) {
    float[] w = new float[n];
    java.util.Arrays.fill(w, 0.5f);
    return UpdateCodec.encode(w, UpdateEncoding.F32);
  }

  private static UpdateChunk first(String site, int n) {
    byte[] data = weights(n);
    UpdateHeader h = UpdateHeader.newBuilder().setIdempotencyKey(T + "/1/" + site).setTraining(T).setRound(1).setSiteName(site)
        .setBaseModelVersion("t-r0").setSamples(10).setTrainLoss(0.5).setLocalMetric(0.5).setEncoding(UpdateEncoding.F32.toProto())
        .setNumParameters(n).setTotalBytes(data.length).build();
    return UpdateChunk.newBuilder().setHeader(h).setOffset(0).setData(ByteString.copyFrom(data, 0, data.length / 2)).build();
  }

  private static UpdateChunk rest(String site, int n) {
    byte[] data = weights(n);
    return UpdateChunk.newBuilder().setOffset(data.length / 2).setData(ByteString.copyFrom(data, data.length / 2,
        data.length - data.length / 2)).setLast(true).build();
  }
}
