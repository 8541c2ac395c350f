package io.fedmesh.common.security;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads the one fedmesh identity out of a certificate's URI SANs. */
public final class CertificateIdentity {
  private static final int URI_SAN = 6;

  private CertificateIdentity() {}

  /**
   * The identity, or empty when the certificate carries none, or more than one (a certificate that
   * names two identities could act as either, so it names none).
   */
  public static Optional<PeerIdentity> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    PeerIdentity found = null;
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(0) instanceof Integer type) || type != URI_SAN || !(name.get(1) instanceof String uri)) {
        continue;
      }
      if (!uri.startsWith("spiffe://" + PeerIdentity.TRUST_DOMAIN + "/")) {
        continue;
      }
      Optional<PeerIdentity> identity = PeerIdentity.fromUri(uri);
      if (identity.isEmpty() || found != null) {
        return Optional.empty();
      }
      found = identity.get();
    }
    return Optional.ofNullable(found);
  }
}
