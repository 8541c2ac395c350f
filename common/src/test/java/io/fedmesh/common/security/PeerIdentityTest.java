package io.fedmesh.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdentityTest {

  @Test
  void identitiesRoundTripThroughTheirUri() {
    for (PeerIdentity id : new PeerIdentity[] {PeerIdentity.site("fedmesh", "site-0"), PeerIdentity.operator("fedmesh"),
        PeerIdentity.bridge("hpc", "slurm-a")}) {
      assertEquals(Optional.of(id), PeerIdentity.fromUri(id.uri()), id.uri());
    }
    assertEquals("spiffe://fedmesh.io/ns/fedmesh/site/site-0", PeerIdentity.site("fedmesh", "site-0").uri());
    assertEquals("spiffe://fedmesh.io/ns/fedmesh/operator", PeerIdentity.operator("fedmesh").uri());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "spiffe://fedmesh.io/ns/a", "spiffe://other.org/ns/a/site/b", "spiffe://fedmesh.io/ns/a/site",
      "spiffe://fedmesh.io/ns/a/site/b/c", "spiffe://fedmesh.io/ns/a/operator/x", "spiffe://fedmesh.io/ns/A/site/b",
      "spiffe://fedmesh.io/ns/a/site/-b", "spiffe://fedmesh.io/ns/a/insecure/b", "spiffe://fedmesh.io/ns/../site/b",
      "spiffe://fedmesh.io/ns//site/b", "spiffe://fedmesh.io/ns/a/root/b", "http://fedmesh.io/ns/a/site/b"})
  void anythingElseIsNoIdentity(String uri) {
    assertEquals(Optional.empty(), PeerIdentity.fromUri(uri));
  }

  @Test
  void aSiteActsOnlyAsItselfAndAPlaintextCallerAsAnyone() {
    PeerIdentity a = PeerIdentity.site("ns", "a");
    assertTrue(a.mayActAsSite("ns", "a"));
    assertFalse(a.mayActAsSite("ns", "b"));
    assertFalse(a.mayActAsSite("other", "a"));
    assertFalse(PeerIdentity.operator("ns").mayActAsSite("ns", "a"));
    assertTrue(PeerIdentity.INSECURE.mayActAsSite("ns", "a"));
  }

  @Test
  void badLabelsAreRefusedWithTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerIdentity.site("ns", "Site_0"));
    assertTrue(e.getMessage().contains("site name 'Site_0'"), e.getMessage());
  }
}
