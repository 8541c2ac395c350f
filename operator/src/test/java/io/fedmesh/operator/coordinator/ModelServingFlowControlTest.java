package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model download follows gRPC flow control: while a site reads nothing, the coordinator sends
 * only what the transport's windows hold, not the whole model; once the site reads, the rest
 * follows and arrives whole.
 */
class ModelServingFlowControlTest {
  static final int FLOATS = 8 << 20; // 32 MiB of float32: 32 chunks, far beyond the HTTP/2 windows
  @TempDir Path dir;

  @Test
  void aSiteThatReadsNothingIsSentOnlyWhatTheWindowsHold() throws Exception {
    Federation federation = new Federation(new AcceptedUpdateStore(dir));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CoordinatorService service = new CoordinatorService(federation, null, "default", null, Duration.ofSeconds(1), registry);
    float[] weights = new float[FLOATS];
    for (int i = 0; i < FLOATS; i++) {
      weights[i] = i % 1000 / 1000f;
    }
    var model = io.fedmesh.common.model.ModelDescription.of(new MlpSpec(new int[] {FLOATS - 1, 1}, Activation.RELU, TaskKind.REGRESSION)); // FLOATS parameters
    federation.models.publish("default/big", "big-r0", model, weights);
    // a model goes only to a site with an assignment of its training
    federation.assignments.publish("default/site-a", io.fedmesh.proto.federation.v1.TrainAssignment.newBuilder()
        .setTraining("default/big").setRound(1).setModelVersion("big-r0").build());
    long total = 4L * FLOATS;
    try (GrpcServerRunner server = GrpcServerRunner.start("test", new HostPort("127.0.0.1", 0), null, List.of(service))) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
          .maxInboundMessageSize(4 << 20).build();
      try {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        AtomicInteger chunks = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<ClientCallStreamObserver<DownloadModelRequest>> call = new CompletableFuture<>();
        CoordinatorGrpc.newStub(channel).downloadModel(DownloadModelRequest.newBuilder().setTraining("default/big")
            .setModelVersion("big-r0").setSiteName("site-a").build(), new ClientResponseObserver<DownloadModelRequest, ModelChunk>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<DownloadModelRequest> requests) {
                requests.disableAutoRequestWithInitial(1); // the site reads one chunk, then nothing until asked
                call.complete(requests);
              }

              @Override
              public void onNext(ModelChunk c) {
                received.writeBytes(c.getData().toByteArray());
                chunks.incrementAndGet();
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
        await().atMost(Duration.ofSeconds(20)).until(() -> chunks.get() == 1);
        // while nothing more is read, what the coordinator has sent stays a few windows' worth, never the model
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
            .until(() -> sentBytes(registry) < total / 4);
        call.get().request(Integer.MAX_VALUE);
        done.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(sentBytes(registry)).isEqualTo(total);
        assertThat(UpdateCodec.decode(received.toByteArray(), UpdateEncoding.F32, FLOATS)).isEqualTo(weights);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static double sentBytes(SimpleMeterRegistry registry) {
    return registry.get("fedmesh_bytes_sent_total").counter().count();
  }
}
