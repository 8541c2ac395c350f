package io.fedmesh.mesh.bench;

import io.fedmesh.common.grpc.TlsFiles;
import io.fedmesh.common.security.CertificateAuthority;
import io.fedmesh.common.security.PeerIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The certificates of the attack bench: the mesh's own, and the ones an attacker might hold or forge. */
final class AttackPki {
  static final String NS = "default";
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

  private final Path dir;
  private final CertificateAuthority ca;

  AttackPki(Path dir) throws IOException {
    this.dir = dir;
    this.ca = CertificateAuthority.create(dir.resolve("ca"), "attack bench CA", Duration.ofDays(1));
  }

  TlsFiles operator() throws IOException {
    return issue("operator", PeerIdentity.operator(NS), LOOPBACK, Instant.now().minusSeconds(60));
  }

  TlsFiles bridge() throws IOException {
    return issue("bridge", PeerIdentity.bridge(NS, "bench"), LOOPBACK, Instant.now().minusSeconds(60));
  }

  TlsFiles site(String name) throws IOException {
    return issue("site-" + name, PeerIdentity.site(NS, name), List.of(), Instant.now().minusSeconds(60));
  }

  /** A site certificate in a namespace the operator does not serve. */
  TlsFiles foreignSite(String namespace, String name) throws IOException {
    return issue("foreign-" + name, PeerIdentity.site(namespace, name), List.of(), Instant.now().minusSeconds(60));
  }

  /** Our CA's certificate, but it ended yesterday. */
  TlsFiles expired(String name) throws IOException {
    return issue("expired-" + name, PeerIdentity.site(NS, name), List.of(), Instant.now().minus(Duration.ofDays(3)));
  }

  /** A server certificate of our CA for another host: what a man in the middle would present. */
  TlsFiles serverForAnotherHost() throws IOException {
    return issue("elsewhere", PeerIdentity.bridge(NS, "elsewhere"), List.of("elsewhere.example"), Instant.now().minusSeconds(60));
  }

  /** A certificate that names a real site, from a CA of the attacker's own. */
  TlsFiles forged(String name) throws IOException {
    Path other = dir.resolve("forger");
    if (java.nio.file.Files.exists(other.resolve(name).resolve("tls.crt"))) {
      return TlsFiles.fromDirectory(other.resolve(name));
    }
    CertificateAuthority forger = CertificateAuthority.create(other.resolve("ca"), "fedmesh CA", Duration.ofDays(1));
    forger.issue(PeerIdentity.site(NS, name), List.of(), Instant.now().minusSeconds(60), Duration.ofDays(1), other.resolve(name));
    return TlsFiles.fromDirectory(other.resolve(name));
  }

  TlsFiles siteQuietly(String name) {
    return quietly(() -> site(name));
  }

  TlsFiles forgedQuietly(String name) {
    return quietly(() -> forged(name));
  }

  TlsFiles expiredQuietly(String name) {
    return quietly(() -> expired(name));
  }

  TlsFiles foreignQuietly(String namespace, String name) {
    return quietly(() -> foreignSite(namespace, name));
  }

  TlsFiles serverForAnotherHostQuietly() {
    return quietly(this::serverForAnotherHost);
  }

  private interface Issue {
    TlsFiles get() throws IOException;
  }

  private static TlsFiles quietly(Issue issue) {
    try {
      return issue.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TlsFiles issue(String as, PeerIdentity id, List<String> hosts, Instant from) throws IOException {
    Path out = dir.resolve(as);
    if (java.nio.file.Files.exists(out.resolve("tls.crt"))) {
      return TlsFiles.fromDirectory(out); // one certificate per identity: a second issue would rotate it under a live channel
    }
    ca.issue(id, hosts, from, Duration.ofDays(1), out);
    return TlsFiles.fromDirectory(out);
  }
}
