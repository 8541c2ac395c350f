package io.fedmesh.bench;

import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.operator.coordinator.CoordinatorService;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.proto.federation.v1.Encoding;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A model update through the real upload path (the agent's CoordinatorClient -> gRPC over
 * loopback -> the operator's CoordinatorService, which decodes and files it) against a raw TCP
 * copy of the same bytes over loopback, both in this run. mbps = megabits per second.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
    description = "Upload an update through the real gRPC path (mutual TLS, and plaintext for the cost of TLS) vs a raw TCP socket copy of the same bytes (loopback).")
public final class TransferBenchmark implements Callable<Integer> {
  private static final String TRAINING = "bench/transfer";
  private static final String SITE = "bench-site";

  @Option(names = "--megabytes", defaultValue = "256", description = "Update size in MB (default: ${DEFAULT-VALUE}).")
  int megabytes;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed repetitions; the best is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public Integer call() throws Exception {
    int floats = megabytes * 1_000_000 / 4;
    byte[] payload = new byte[floats * 4];
    new java.util.Random(1).nextBytes(payload);
    for (int i = 3; i < payload.length; i += 4) {
      payload[i] = (byte) (payload[i] & 0x3F); // keep every float finite (exponent below all-ones)
    }
    System.out.printf("transfer: %,d bytes over loopback, best of %d%n", payload.length, repeats);
    double raw = 0;
    for (int r = 0; r < repeats; r++) {
      raw = Math.max(raw, rawMbps(payload));
    }
    Path certs = java.nio.file.Files.createTempDirectory("fedmesh-bench-transfer");
    var ca = io.fedmesh.common.security.CertificateAuthority.create(certs.resolve("ca"), "bench CA", Duration.ofDays(1));
    java.time.Instant from = java.time.Instant.now().minusSeconds(60);
    ca.issue(io.fedmesh.common.security.PeerIdentity.operator("bench"), List.of("127.0.0.1"), from, Duration.ofDays(1), certs.resolve("op"));
    ca.issue(io.fedmesh.common.security.PeerIdentity.site("bench", SITE), List.of(), from, Duration.ofDays(1), certs.resolve("site"));
    double plain = grpcMbps(payload, floats, null, null);
    double tls = grpcMbps(payload, floats, TlsFiles.fromDirectory(certs.resolve("op")), TlsFiles.fromDirectory(certs.resolve("site")));
    System.out.printf("RESULT transfer mbps=%.0f plaintext_mbps=%.0f raw_mbps=%.0f ratio=%.3f tls_cost=%.3f%n", tls, plain, raw, tls / raw,
        tls / plain);
    return 0;
  }

  /** The best upload rate through the real coordinator, over mutual TLS (both files set) or plaintext. */
  private double grpcMbps(byte[] payload, int floats, TlsFiles serverTls, TlsFiles clientTls) throws IOException {
    double grpc = 0;
    // accepted updates are persisted before the ack, as in the operator: the figure includes that fsync
    Path inboxDir = java.nio.file.Files.createTempDirectory("fedmesh-bench-inbox");
    Federation federation = new Federation(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(inboxDir));
    CoordinatorService service = new CoordinatorService(federation, null, "bench", null, Duration.ofSeconds(1), new SimpleMeterRegistry());
    try (GrpcServerRunner server = GrpcServerRunner.start("bench", new HostPort("127.0.0.1", 0), serverTls, List.of(service));
        CoordinatorClient client = new CoordinatorClient(new AgentConfig(new HostPort("127.0.0.1", server.port()), SITE, "bench",
            Path.of("."), "label", null, null, Map.of(), Path.of("."), clientTls, -1, 1, 1, 0))) {
      // the coordinator admits only updates shaped like the round's model: a one-layer model of the payload's size
      var model = new io.fedmesh.common.model.MlpSpec(new int[] {floats - 1, 1}, io.fedmesh.common.model.Activation.RELU,
          io.fedmesh.common.model.TaskKind.REGRESSION);
      federation.models.publish(TRAINING, "bench-r0", io.fedmesh.common.model.ModelDescription.of(model), new float[floats]);
      client.register(io.fedmesh.proto.federation.v1.RegisterRequest.newBuilder().setSiteName(SITE).build()); // uploads carry its session
      for (int r = 1; r <= repeats + 1; r++) {
        federation.inbox.open(TRAINING, r, "bench-r0", Set.of(SITE), new float[floats], true);
        UpdateHeader header = UpdateHeader.newBuilder().setIdempotencyKey(TRAINING + "/" + r + "/" + SITE).setTraining(TRAINING)
            .setRound(r).setSiteName(SITE).setSamples(1).setEncoding(Encoding.ENCODING_F32).setNumParameters(floats)
            .setTotalBytes(payload.length).build();
        long t = System.nanoTime();
        UploadUpdateResponse resp = client.upload(header, payload);
        double s = (System.nanoTime() - t) / 1e9;
        if (!resp.getAccepted()) {
          throw new IllegalStateException("upload refused: " + resp.getMessage());
        }
        if (federation.inbox.received(TRAINING, r).size() != 1) {
          throw new IllegalStateException("the coordinator did not file the update");
        }
        federation.inbox.close(TRAINING);
        federation.inbox.removePersisted(TRAINING, r);
        if (r > 1) { // the first upload warms up the JIT and the channel
          grpc = Math.max(grpc, payload.length * 8 / 1e6 / s);
        }
      }
    }
    return grpc;
  }

  static double rawMbps(byte[] payload) throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          byte[] buf = new byte[payload.length];
          int off = 0;
          while (off < buf.length) {
            int n = in.read(buf, off, Math.min(1 << 20, buf.length - off));
            if (n < 0) {
              break;
            }
            off += n;
          }
          return System.nanoTime();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      long t = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); OutputStream out = s.getOutputStream()) {
        for (int off = 0; off < payload.length; off += 1 << 20) {
          out.write(payload, off, Math.min(1 << 20, payload.length - off));
        }
        out.flush();
        long done = received.join();
        return payload.length * 8 / 1e6 / ((done - t) / 1e9);
      }
    }
  }
}
