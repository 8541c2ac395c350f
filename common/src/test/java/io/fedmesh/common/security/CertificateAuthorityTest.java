package io.fedmesh.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void issuesACertificateThatNamesItsIdentityAndHostsAndVerifiesAgainstTheCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    Path out = dir.resolve("operator");
    X509Certificate cert = ca.issue(PeerIdentity.operator("fedmesh"), List.of("fedmesh-coordinator.fedmesh.svc", "127.0.0.1"),
        Instant.now().minusSeconds(5), Duration.ofDays(1), out);
    cert.verify(ca.certificate().getPublicKey());
    cert.checkValidity();
    assertEquals(Optional.of(PeerIdentity.operator("fedmesh")), CertificateIdentity.of(Pem.readCertificate(out.resolve("tls.crt"))));
    assertEquals(List.of("fedmesh-coordinator.fedmesh.svc", "127.0.0.1"), CertificateAuthority.hostsOf(cert));
    assertEquals(ca.certificate(), Pem.readCertificate(out.resolve("ca.crt")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("tls.key"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca/ca.key"))));
  }

  @Test
  void renewalKeepsTheIdentityWithANewKeyAndTheLedgerSaysWhichIsCurrent() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    Path out = dir.resolve("site-a");
    X509Certificate first = ca.issue(PeerIdentity.site("ns", "site-a"), List.of(), Instant.now().minusSeconds(5), Duration.ofDays(1), out);
    byte[] firstKey = Files.readAllBytes(out.resolve("tls.key"));
    X509Certificate renewed = CertificateAuthority.load(dir.resolve("ca")).renew(out, Duration.ofDays(30));
    assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
    assertNotEquals(new String(firstKey), Files.readString(out.resolve("tls.key")));
    assertEquals(CertificateIdentity.of(first), CertificateIdentity.of(renewed));
    assertTrue(renewed.getNotAfter().after(first.getNotAfter()));
    List<IssuedLedger.Entry> entries = ca.ledger().entries();
    assertEquals(2, entries.size());
    assertEquals("superseded", entries.get(0).state(Instant.now()));
    assertEquals("valid", entries.get(1).state(Instant.now()));
    assertEquals("EXPIRED", entries.get(1).state(Instant.now().plus(Duration.ofDays(31))));
  }

  @Test
  void aCaIsNeverOverwrittenAndAMissingOneSaysHowToMakeIt() throws Exception {
    CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1));
    IllegalStateException again = assertThrows(IllegalStateException.class,
        () -> CertificateAuthority.create(dir.resolve("ca"), "test CA", Duration.ofDays(1)));
    assertTrue(again.getMessage().contains("a mesh keeps one CA"), again.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.load(dir.resolve("nothing")));
    assertTrue(none.getMessage().contains("fedmesh certs init"), none.getMessage());
  }
}
