package io.fedmesh.common.security;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportSecurityTest {
  @TempDir Path dir;

  @Test
  void withoutCertificatesACommandRefusesToStartAndSaysHowToGetThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.choose("operator", null, false));
    assertTrue(e.getMessage().contains("--tls-dir") && e.getMessage().contains("fedmesh certs") && e.getMessage().contains("--insecure"),
        e.getMessage());
  }

  @Test
  void plaintextOnlyWhenAskedAndNeverTogetherWithCertificates() {
    assertNull(TransportSecurity.choose("edge-agent", null, true));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.choose("edge-agent", dir, true));
    assertTrue(both.getMessage().contains("exclude each other"), both.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.choose("edge-agent", dir, false));
    assertTrue(empty.getMessage().contains("lacks tls.crt"), empty.getMessage());
  }
}
