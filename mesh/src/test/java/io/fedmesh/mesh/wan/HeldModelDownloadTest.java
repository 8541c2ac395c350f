package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import io.fedmesh.operator.coordinator.CoordinatorService;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent client against the real coordinator: a site that downloaded a version (to serve
 * it) and is then assigned to train from it gets it confirmed by digest, not sent again; a new
 * version comes as a patch of the held one when few parameters changed, whole otherwise; a digest
 * that is not the coordinator's gets the bytes.
 */
class HeldModelDownloadTest {
  @TempDir Path tmp;

  @Test
  void aVersionTheSiteHoldsIsConfirmedNotSentAgainAndANewOneComesAsAPatchWhenThatIsSmaller() throws Exception {
    Federation federation = new Federation(new AcceptedUpdateStore(tmp.resolve("inbox")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CoordinatorService service = new CoordinatorService(federation, null, "default", null, Duration.ofSeconds(1), registry);
    ModelDescription model = ModelDescription.of(new MlpSpec(new int[] {100, 10}, Activation.RELU, TaskKind.CLASSIFICATION));
    int n = (int) model.parameterCount();
    float[] v0 = new float[n];
    float[] v1 = new float[n];
    for (int i = 0; i < n; i++) {
      v0[i] = i / 1000f;
      v1[i] = -i / 1000f;
    }
    // the versions the coordinator holds besides the published one (CheckpointVersions in the operator)
    Map<String, io.fedmesh.operator.coordinator.PublishedModels.Published> checkpointed = new java.util.concurrent.ConcurrentHashMap<>();
    federation.serving.versionsFrom((training, version) -> java.util.Optional.ofNullable(checkpointed.get(version)));
    federation.models.publish("default/t", "t-r0", model, v0);
    federation.assignments.publish("default/site-a", TrainAssignment.newBuilder().setTraining("default/t").setRound(1)
        .setModelVersion("t-r0").build());
    try (GrpcServerRunner server = GrpcServerRunner.start("test", new HostPort("127.0.0.1", 0), null, List.of(service));
        CoordinatorClient client = new CoordinatorClient(new AgentConfig(new HostPort("127.0.0.1", server.port()), "site-a", "",
            tmp.resolve("data"), "label", null, null, Map.of(), tmp.resolve("work"), null, -1, 1, 256, 0))) {
      CoordinatorClient.Downloaded first = client.download("default/t", "t-r0", "site-a");
      assertThat(first.reused()).isFalse();
      assertThat(UpdateCodec.decode(first.f32(), UpdateEncoding.F32, n)).containsExactly(v0);
      double sent = sent(registry);
      assertThat(sent).isEqualTo(4.0 * n);

      CoordinatorClient.Downloaded again = client.download("default/t", "t-r0", "site-a");
      assertThat(again.reused()).isTrue();
      assertThat(UpdateCodec.decode(again.f32(), UpdateEncoding.F32, n)).containsExactly(v0);
      assertThat(again.spec()).isEqualTo(first.spec());
      assertThat(sent(registry)).as("nothing sent for a confirmed copy").isEqualTo(sent);

      federation.models.publish("default/t", "t-r1", model, v1);
      CoordinatorClient.Downloaded next = client.download("default/t", "t-r1", "site-a");
      assertThat(next.reused()).isFalse();
      assertThat(UpdateCodec.decode(next.f32(), UpdateEncoding.F32, n)).containsExactly(v1);
      assertThat(sent(registry)).isEqualTo(sent + 4.0 * n);

      // serving and training ask for a new version at once: it crosses the link once, whichever way they overlap
      float[] v2 = v0.clone();
      v2[0] = 42;
      federation.models.publish("default/t", "t-r2", model, v2);
      double before = sent(registry);
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = pool.submit(() -> client.download("default/t", "t-r2", "site-a"));
        var b = pool.submit(() -> client.download("default/t", "t-r2", "site-a"));
        assertThat(UpdateCodec.decode(a.get().f32(), UpdateEncoding.F32, n)).containsExactly(v2);
        assertThat(UpdateCodec.decode(b.get().f32(), UpdateEncoding.F32, n)).containsExactly(v2);
        assertThat(a.get().reused() ^ b.get().reused()).as("one downloaded, the other reused").isTrue();
      } finally {
        pool.shutdownNow();
      }
      assertThat(sent(registry)).isEqualTo(before + 4.0 * n);

      // a version that changed a few parameters goes to a site that holds the one before as a patch of it
      checkpointed.put("t-r2", federation.models.get("default/t").orElseThrow());
      float[] v3 = v2.clone();
      for (int i = 0; i < 10; i++) {
        v3[i * 100] += 1;
      }
      federation.models.publish("default/t", "t-r3", model, v3);
      double beforePatch = sent(registry);
      CoordinatorClient.Downloaded patched = client.download("default/t", "t-r3", "site-a");
      assertThat(UpdateCodec.decode(patched.f32(), UpdateEncoding.F32, n)).containsExactly(v3);
      assertThat(patched.wireBytes()).as("10 changed parameters, 8 bytes each").isEqualTo(80);
      assertThat(sent(registry)).isEqualTo(beforePatch + 80);
      // all changed: the patch would be larger than the model, so the model comes (t-r0 to t-r1 above went whole too)
      assertThat(next.wireBytes()).isEqualTo(4L * n);

      // a digest that is not the coordinator's (another run's t-r2, bytes the site changed) gets the model
      var channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        var chunks = CoordinatorGrpc.newBlockingStub(channel).downloadModel(DownloadModelRequest.newBuilder().setTraining("default/t")
            .setModelVersion("t-r2").setSiteName("site-a").setHaveSha256(Digests.sha256Hex(first.f32())).build());
        long bytes = 0;
        boolean unchanged = false;
        while (chunks.hasNext()) {
          var c = chunks.next();
          bytes += c.getData().size();
          unchanged |= c.getUnchanged();
        }
        assertThat(unchanged).isFalse();
        assertThat(bytes).isEqualTo(4L * n);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static double sent(SimpleMeterRegistry registry) {
    return registry.get("fedmesh_bytes_sent_total").counter().count();
  }
}
