package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.ServeModel;
import io.fedmesh.proto.federation.v1.ServingState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who serves what, against the API server in CRUD mode and the coordinator over a real socket: the
 * sites spec.serving.siteSelector picks hear the version to serve on their acks, may download that
 * version (also one the rounds have moved past) and nothing else, and their reports become
 * status.servingSites.
 */
@EnableKubernetesMockClient(crud = true)
class ServingMockTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  int port;
  final List<TestLearner> learners = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  /** A site that only heartbeats and downloads, as a serving agent does. */
  final class ServingSite {
    final String name;
    final ManagedChannel channel;
    final String session;
    final LinkedBlockingQueue<HeartbeatResponse> acks = new LinkedBlockingQueue<>();
    final StreamObserver<HeartbeatRequest> stream;
    long seq;

    ServingSite(String name, Map<String, String> labels) {
      this.name = name;
      channel = io.fedmesh.common.security.MutualTls.channel("127.0.0.1:" + port, null).build();
      channels.add(channel);
      session = CoordinatorGrpc.newBlockingStub(channel).register(RegisterRequest.newBuilder().setSiteName(name).putAllLabels(labels)
          .build()).getSessionId();
      stream = CoordinatorGrpc.newStub(channel).heartbeat(new StreamObserver<>() {
        @Override
        public void onNext(HeartbeatResponse r) {
          if (r.getSeq() > 0) {
            acks.add(r);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
    }

    /** One heartbeat reporting {@code serving}; returns what its ack says to serve. */
    List<ServeModel> heartbeat(ServingState... serving) throws InterruptedException {
      stream.onNext(HeartbeatRequest.newBuilder().setSiteName(name).setSessionId(session).setSeq(++seq)
          .addAllServing(List.of(serving)).build());
      HeartbeatResponse ack = acks.poll(10, TimeUnit.SECONDS);
      assertThat(ack).as("ack of heartbeat " + seq).isNotNull();
      return ack.getServeList();
    }

    float[] download(String training, String version) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      var chunks = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).downloadModel(
          DownloadModelRequest.newBuilder().setTraining(training).setModelVersion(version).setSiteName(name).build());
      while (chunks.hasNext()) {
        ModelChunk c = chunks.next();
        bytes.writeBytes(c.getData().toByteArray());
      }
      byte[] b = bytes.toByteArray();
      return UpdateCodec.decode(b, UpdateEncoding.F32, b.length / 4);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    CrdFixtures.install(client);
    port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(5)));
  }

  @AfterEach
  void tearDown() {
    learners.forEach(TestLearner::close);
    channels.forEach(ManagedChannel::shutdownNow);
    operator.close();
  }

  DistributedModel model() {
    return client.resources(DistributedModel.class).inNamespace("default").withName("m").get();
  }

  /**
   * Edits the model as `kubectl edit` would: the operator writes its status at the same time, so a
   * stale resourceVersion is a 409, answered by reading it again and re-applying the edit.
   */
  void editModel(java.util.function.UnaryOperator<DistributedModel> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.resources(DistributedModel.class).inNamespace("default").withName("m").edit(edit);
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  @Test
  void selectedSitesServeTheChosenVersionAndReportIt() throws Exception {
    CrdFixtures.model(client, "m");
    editModel(dm -> {
      dm.getSpec().serving = new DistributedModelSpec.Serving();
      dm.getSpec().serving.siteSelector = new LabelSelectorBuilder().withMatchLabels(Map.of("fedmesh.io/tier", "factory")).build();
      return dm;
    });
    learners.add(new TestLearner("site-a", port, 0.25f, 100, 150));
    learners.add(new TestLearner("site-b", port, 0.25f, 100, 150));
    ServingSite server = new ServingSite("site-s", Map.of("fedmesh.io/tier", "factory"));
    ServingSite stranger = new ServingSite("site-x", Map.of("fedmesh.io/tier", "cloud"));
    assertThat(server.heartbeat()).isEmpty(); // nothing trained yet

    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 2;
    ft.getSpec().participants.minSites = 2;
    ft.getSpec().participants.siteSelector = new LabelSelectorBuilder().withMatchLabels(Map.of("fedmesh.io/test", "yes")).build();
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var t = client.resources(FederatedTraining.class).inNamespace("default").withName("t").get();
      return t.getStatus() != null && t.getStatus().phase == FederatedTrainingStatus.Phase.Succeeded
          && model().getStatus() != null && model().getStatus().versions.size() == 2;
    });

    // the plan follows the status the operator wrote: the site is told what ServingPlan chooses from it
    String chosen = io.fedmesh.operator.serving.ServingPlan.choose(model()).orElseThrow().version();
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.heartbeat().isEmpty());
    assertThat(server.heartbeat()).singleElement().satisfies(s -> {
      assertThat(s.getModel()).isEqualTo("m");
      assertThat(s.getVersion()).isEqualTo(chosen);
      assertThat(s.getTraining()).isEqualTo("default/t");
    });
    assertThat(stranger.heartbeat()).isEmpty();

    // pin the first version: the rounds have moved past it, so it comes from the checkpoints
    editModel(dm -> {
      dm.getSpec().serving.version = "t-r1";
      return dm;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> server.heartbeat().stream().anyMatch(s -> s.getVersion().equals("t-r1")));
    float[] expected = new CheckpointStore(checkpoints).load("default", "t", "t-r1").orElseThrow();
    assertThat(server.download("default/t", "t-r1")).containsExactly(expected);

    // a site may download only the version it was told to serve; a site not selected nothing
    assertThatThrownBy(() -> server.download("default/t", "t-r2")).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> stranger.download("default/t", "t-r1")).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));

    // what the site reports becomes status.servingSites: not ready while loading, then ready with the version
    server.heartbeat(ServingState.newBuilder().setModel("m").setMessage("downloading t-r1").setPort(8500).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> model().getStatus().servingSites.size() == 1
        && Boolean.FALSE.equals(model().getStatus().servingSites.get(0).ready));
    assertThat(model().getStatus().servingSites.get(0).message).isEqualTo("downloading t-r1");
    server.heartbeat(ServingState.newBuilder().setModel("m").setVersion("t-r1").setReady(true).setPort(8500).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(model().getStatus().servingSites.get(0).ready));
    DistributedModelStatus.ServingSite s = model().getStatus().servingSites.get(0);
    assertThat(s.site).isEqualTo("site-s");
    assertThat(s.version).isEqualTo("t-r1");
    assertThat(s.wanted).isEqualTo("t-r1");
    assertThat(s.port).isEqualTo(8500);
    assertThat(s.message).isNull();
  }
}
