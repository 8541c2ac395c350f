package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator over mutual TLS: a training succeeds with sites that hold certificates, while a
 * site's certificate cannot register, heartbeat, download or upload as another site, a stale
 * session's upload is refused, the operator's own certificate is not a site's, and a registration
 * flood is cut off. Every refusal to another identity is the same words, naming nothing.
 */
@EnableKubernetesMockClient(crud = true)
class CoordinatorIdentityMockTest {
  KubernetesClient client;
  @TempDir Path dir;
  FedmeshOperator operator;
  CertificateAuthority ca;
  int port;
  final List<TestLearner> learners = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    CrdFixtures.install(client);
    ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(dir.resolve("checkpoints"), port, Duration.ofMillis(200),
        Duration.ofSeconds(5)).withTls(cert(PeerIdentity.operator("default"), List.of("127.0.0.1"))));
  }

  @AfterEach
  void tearDown() {
    learners.forEach(TestLearner::close);
    channels.forEach(ManagedChannel::shutdownNow);
    operator.close();
  }

  TlsFiles cert(PeerIdentity id, List<String> hosts) throws Exception {
    Path out = dir.resolve(id.kind().word() + "-" + (id.name().isEmpty() ? "x" : id.name()));
    ca.issue(id, hosts, Instant.now().minusSeconds(5), Duration.ofDays(1), out);
    return TlsFiles.fromDirectory(out);
  }

  CoordinatorGrpc.CoordinatorBlockingStub stub(TlsFiles tls) {
    ManagedChannel ch = MutualTls.channel("127.0.0.1:" + port, tls).build();
    channels.add(ch);
    return CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static Status denied(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call was not refused");
  }

  @Test
  void aTrainingSucceedsOverMutualTlsWhileNoSiteCanActAsAnother() throws Exception {
    TlsFiles a = cert(PeerIdentity.site("default", "site-a"), List.of());
    TlsFiles b = cert(PeerIdentity.site("default", "site-b"), List.of());
    learners.add(new TestLearner("site-a", port, 0.25f, 100, 150, a));
    learners.add(new TestLearner("site-b", port, 0.75f, 100, 150, b));
    CrdFixtures.model(client, "m");
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems().size() == 2);

    // a's certificate, with b's name: register, heartbeat on b's session, download, upload
    var asA = stub(a);
    Status register = denied(() -> asA.register(RegisterRequest.newBuilder().setSiteName("site-b").build()));
    assertThat(register.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(register.getDescription()).isEqualTo("this identity is not permitted to do that");
    Status intoNamespace = denied(() -> asA.register(RegisterRequest.newBuilder().setSiteName("site-a").setNamespace("kube-system").build()));
    assertThat(intoNamespace.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(heartbeatAs(a, "site-b", learners.get(1).session).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("trusted").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 2;
    ft.getSpec().participants.minSites = 2;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      var st = client.resources(FederatedTraining.class).inNamespace("default").withName("trusted").get().getStatus();
      return st != null && st.phase == FederatedTrainingStatus.Phase.Succeeded;
    });
    FederatedTrainingStatus st = client.resources(FederatedTraining.class).inNamespace("default").withName("trusted").get().getStatus();
    assertThat(st.history).hasSize(2).allSatisfy(h -> assertThat(h.participants).containsExactlyInAnyOrder("site-a", "site-b"));

    // the model goes only to a site with an assignment of that training: none now that it ended
    Status download = denied(() -> asA.downloadModel(DownloadModelRequest.newBuilder().setTraining("default/trusted")
        .setModelVersion(st.modelVersion).setSiteName("site-a").build()).forEachRemaining(c -> {}));
    assertThat(download.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(download.getDescription()).doesNotContain("version").doesNotContain("round");
    // and so does a model's TorchScript file, under the same rule
    Status architecture = denied(() -> asA.downloadArchitecture(io.fedmesh.proto.federation.v1.DownloadArchitectureRequest.newBuilder()
        .setTraining("default/trusted").setModelVersion(st.modelVersion).setSiteName("site-a").setSha256("0".repeat(64)).build())
        .forEachRemaining(c -> {}));
    assertThat(architecture.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    Status asOther = denied(() -> asA.downloadArchitecture(io.fedmesh.proto.federation.v1.DownloadArchitectureRequest.newBuilder()
        .setTraining("default/trusted").setModelVersion(st.modelVersion).setSiteName("site-b").setSha256("0".repeat(64)).build())
        .forEachRemaining(c -> {}));
    assertThat(asOther.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    UpdateHeader asB = UpdateHeader.newBuilder().setIdempotencyKey("default/trusted/3/site-b").setTraining("default/trusted").setRound(3)
        .setSiteName("site-b").setSessionId(learners.get(1).session).setSamples(1).setNumParameters(1).setTotalBytes(4).build();
    assertThat(upload(a, asB).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    UpdateHeader stale = asB.toBuilder().setIdempotencyKey("default/trusted/3/site-a").setSiteName("site-a").setSessionId("an-old-session").build();
    assertThat(upload(a, stale).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void theOperatorsCertificateIsNotASiteAndAFloodOfRegistrationsIsCutOff() throws Exception {
    TlsFiles op = cert(PeerIdentity.operator("default"), List.of());
    Status asOperator = denied(() -> stub(op).register(RegisterRequest.newBuilder().setSiteName("site-a").build()));
    assertThat(asOperator.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    var asC = stub(cert(PeerIdentity.site("default", "site-c"), List.of()));
    int accepted = 0;
    Status last = null;
    for (int i = 0; i < 20 && last == null; i++) {
      try {
        asC.register(RegisterRequest.newBuilder().setSiteName("site-c").build());
        accepted++;
      } catch (StatusRuntimeException e) {
        last = e.getStatus();
      }
    }
    assertThat(accepted).isEqualTo(5);
    assertThat(last.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(client.resources(EdgeSite.class).inNamespace("default").list().getItems()).extracting(e -> e.getMetadata().getName())
        .containsExactly("site-c");
  }

  Status heartbeatAs(TlsFiles tls, String site, String session) {
    ManagedChannel ch = MutualTls.channel("127.0.0.1:" + port, tls).build();
    channels.add(ch);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<HeartbeatRequest> hb = CoordinatorGrpc.newStub(ch).heartbeat(new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatResponse r) {
        ended.complete(Status.OK);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    hb.onNext(HeartbeatRequest.newBuilder().setSiteName(site).setSessionId(session).setSeq(1).build());
    return ended.orTimeout(10, TimeUnit.SECONDS).join();
  }

  Status upload(TlsFiles tls, UpdateHeader header) {
    ManagedChannel ch = MutualTls.channel("127.0.0.1:" + port, tls).build();
    channels.add(ch);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = CoordinatorGrpc.newStub(ch).uploadUpdate(new StreamObserver<UploadUpdateResponse>() {
      @Override
      public void onNext(UploadUpdateResponse r) {
        ended.complete(Status.OK);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {}
    });
    out.onNext(UpdateChunk.newBuilder().setHeader(header).setData(com.google.protobuf.ByteString.copyFrom(new byte[4])).setLast(true).build());
    out.onCompleted();
    return ended.orTimeout(10, TimeUnit.SECONDS).join();
  }
}
