package io.fedmesh.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.DescribeClusterRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS over real sockets: who gets in, who is told no, and what the service sees of its caller. */
class MutualTlsTest {
  @TempDir static Path dir;
  static CertificateAuthority ca;
  static GrpcServerRunner server;

  /** A bridge that answers describe with the identity of its caller. */
  static final class EchoCaller extends HpcBridgeGrpc.HpcBridgeImplBase {
    @Override
    public void describeCluster(DescribeClusterRequest request, StreamObserver<ClusterInfo> response) {
      response.onNext(ClusterInfo.newBuilder().setVersion(PeerIdentity.current().orElseThrow().uri()).build());
      response.onCompleted();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(2));
    Path bridge = issue(PeerIdentity.bridge("ns", "b"), List.of("localhost", "127.0.0.1"), Instant.now().minusSeconds(5), "bridge");
    server = GrpcServerRunner.start("tls-test", new HostPort("127.0.0.1", 0), TlsFiles.fromDirectory(bridge),
        List.of(new EchoCaller()), PeerIdentity.Kind.OPERATOR);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Path issue(PeerIdentity id, List<String> hosts, Instant from, String name) throws Exception {
    Path out = dir.resolve(name);
    ca.issue(id, hosts, from, Duration.ofDays(1), out);
    return out;
  }

  static <T> T call(TlsFiles tls, Function<ManagedChannel, T> rpc) {
    ManagedChannel ch = MutualTls.channel("127.0.0.1:" + server.port(), tls).build();
    try {
      return rpc.apply(ch);
    } finally {
      ch.shutdownNow();
    }
  }

  static String describe(ManagedChannel ch) {
    return HpcBridgeGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .describeCluster(DescribeClusterRequest.getDefaultInstance()).getVersion();
  }

  static Status.Code refusal(TlsFiles tls) {
    return assertThrows(StatusRuntimeException.class, () -> call(tls, MutualTlsTest::describe)).getStatus().getCode();
  }

  @Test
  void theOperatorGetsInAndTheServiceKnowsWhoItIs() throws Exception {
    TlsFiles operator = TlsFiles.fromDirectory(issue(PeerIdentity.operator("ns"), List.of(), Instant.now().minusSeconds(5), "op"));
    assertEquals("spiffe://fedmesh.io/ns/ns/operator", call(operator, MutualTlsTest::describe));
  }

  @Test
  void aSiteIsAuthenticatedButNotAllowedOnABridgeExceptForHealth() throws Exception {
    TlsFiles site = TlsFiles.fromDirectory(issue(PeerIdentity.site("ns", "s"), List.of(), Instant.now().minusSeconds(5), "site"));
    assertEquals(Status.Code.PERMISSION_DENIED, refusal(site));
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, call(site, ch -> HealthGrpc.newBlockingStub(ch)
        .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus()));
  }

  @Test
  void plaintextAnotherCaAndAnExpiredCertificateNeverGetAHandshake() throws Exception {
    assertEquals(Status.Code.UNAVAILABLE, refusal(null));
    CertificateAuthority other = CertificateAuthority.create(dir.resolve("other-ca"), "someone else", Duration.ofDays(1));
    other.issue(PeerIdentity.operator("ns"), List.of(), Instant.now().minusSeconds(5), Duration.ofDays(1), dir.resolve("forged"));
    assertEquals(Status.Code.UNAVAILABLE, refusal(TlsFiles.fromDirectory(dir.resolve("forged"))));
    Path expired = issue(PeerIdentity.operator("ns"), List.of(), Instant.now().minus(Duration.ofDays(3)), "expired");
    assertEquals(Status.Code.UNAVAILABLE, refusal(TlsFiles.fromDirectory(expired)));
  }

  @Test
  void aClientRefusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
    Path elsewhere = issue(PeerIdentity.bridge("ns", "e"), List.of("elsewhere.example"), Instant.now().minusSeconds(5), "elsewhere");
    TlsFiles operator = TlsFiles.fromDirectory(issue(PeerIdentity.operator("ns"), List.of(), Instant.now().minusSeconds(5), "op2"));
    try (GrpcServerRunner wrongName = GrpcServerRunner.start("tls-wrong-name", new HostPort("127.0.0.1", 0),
        TlsFiles.fromDirectory(elsewhere), List.of(new EchoCaller()), PeerIdentity.Kind.OPERATOR)) {
      ManagedChannel ch = MutualTls.channel("127.0.0.1:" + wrongName.port(), operator).build();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> describe(ch));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void tls12IsRefused() throws Exception {
    TlsFiles op = TlsFiles.fromDirectory(issue(PeerIdentity.operator("ns"), List.of(), Instant.now().minusSeconds(5), "op12"));
    var context = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .keyManager(op.certChain().toFile(), op.privateKey().toFile()).trustManager(op.trustedCa().toFile())
        .protocols("TLSv1.2").build();
    ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + server.port()).sslContext(context).build();
    try {
      assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class, () -> describe(ch)).getStatus().getCode());
    } finally {
      ch.shutdownNow();
    }
  }
}
