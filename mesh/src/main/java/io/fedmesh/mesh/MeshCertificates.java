package io.fedmesh.mesh;

import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.PeerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local mesh's PKI, made fresh for each run under OUT/certs the way `fedmesh certs` makes a
 * real one: a CA, and one certificate per site, for the operator and for the bridge. Every link of
 * the local mesh is then mutual TLS, as in production; {@code --insecure} skips all of it.
 */
final class MeshCertificates {
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

  private final Path dir;

  private MeshCertificates(Path dir) {
    this.dir = dir;
  }

  /** A CA and certificates for the operator, the bridge and each named site, in {@code dir}. */
  static MeshCertificates issue(Path dir, String namespace, List<String> sites) throws IOException {
    removeEarlierRun(dir);
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "fedmesh local mesh CA", VALIDITY);
    Instant now = Instant.now().minusSeconds(60);
    ca.issue(PeerIdentity.operator(namespace), LOOPBACK, now, VALIDITY, dir.resolve("operator"));
    ca.issue(PeerIdentity.bridge(namespace, "local"), LOOPBACK, now, VALIDITY, dir.resolve("bridge"));
    for (String site : sites) {
      // the loopback names too: a site serves the Open Inference Protocol over HTTPS
      ca.issue(PeerIdentity.site(namespace, site), LOOPBACK, now, VALIDITY, dir.resolve("sites").resolve(site));
    }
    return new MeshCertificates(dir);
  }

  /** The PKI of an earlier run in the same OUT goes: every run gets its own CA, and nothing else lives there. */
  private static void removeEarlierRun(Path dir) throws IOException {
    if (!Files.exists(dir.resolve("ca").resolve("ca.crt"))) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  TlsFiles operator() {
    return TlsFiles.fromDirectory(dir.resolve("operator"));
  }

  TlsFiles bridge() {
    return TlsFiles.fromDirectory(dir.resolve("bridge"));
  }

  /** The agent options that give a site its certificate. */
  List<String> agentArgs(String site) {
    return List.of("--tls-dir", dir.resolve("sites").resolve(site).toString());
  }
}
