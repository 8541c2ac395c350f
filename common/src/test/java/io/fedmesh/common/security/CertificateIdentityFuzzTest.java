package io.fedmesh.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The certificate-to-identity mapping against hostile input: a URI SAN maps to exactly one
 * identity that prints back as the same URI, or to none, and never throws; any certificate the
 * JDK parses maps to one identity or none. Seeds in {@code CertificateIdentityFuzzTestInputs/}
 * replay in {@code mvn test}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CertificateIdentityFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void aUriIsOneIdentityOrNone(byte[] data) {
    String uri = new String(data, StandardCharsets.UTF_8);
    Optional<PeerIdentity> identity = PeerIdentity.fromUri(uri);
    identity.ifPresent(id -> {
      assertThat(id.uri()).isEqualTo(uri);
      assertThat(id.kind()).isNotEqualTo(PeerIdentity.Kind.INSECURE);
      assertThat(id.mayActAsSite(id.namespace(), id.name())).isEqualTo(id.kind() == PeerIdentity.Kind.SITE);
    });
  }

  @FuzzTest(maxDuration = "60s")
  void aCertificateIsOneIdentityOrNone(byte[] der) {
    X509Certificate certificate;
    try {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException notACertificate) {
      return; // the TLS stack refuses it before we ever see it
    }
    Optional<PeerIdentity> identity = CertificateIdentity.of(certificate);
    identity.ifPresent(id -> assertThat(PeerIdentity.fromUri(id.uri())).contains(id));
  }
}
