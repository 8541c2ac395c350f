package io.fedmesh.common.security;

import io.grpc.Context;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is on the other end of a call, as its client certificate says: a site, the operator or a
 * bridge, in a namespace. It travels as one URI SAN, {@code spiffe://fedmesh.io/ns/<ns>/<kind>[/<name>]},
 * the shape SPIFFE uses, so a mesh that already issues SPIFFE identities can map onto it.
 * {@link #INSECURE} stands for a caller on a plaintext link, which proves nothing.
 */
public record PeerIdentity(Kind kind, String namespace, String name) {
  public static final String TRUST_DOMAIN = "fedmesh.io";
  private static final String PREFIX = "spiffe://" + TRUST_DOMAIN + "/ns/";
  private static final Pattern DNS1123 = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** The caller of a plaintext server (--insecure): unauthenticated, so every check lets it pass. */
  public static final PeerIdentity INSECURE = new PeerIdentity(Kind.INSECURE, "", "");
  static final Context.Key<PeerIdentity> CONTEXT_KEY = Context.key("fedmesh-peer-identity");

  public enum Kind {
    SITE("site"), OPERATOR("operator"), BRIDGE("bridge"), INSECURE("insecure");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    static Optional<Kind> of(String word) {
      for (Kind k : values()) {
        if (k != INSECURE && k.word.equals(word)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public PeerIdentity {
    if (kind != Kind.INSECURE) {
      requireLabel("namespace", namespace);
      if (kind == Kind.OPERATOR && !name.isEmpty()) {
        throw new IllegalArgumentException("an operator identity has no name, only a namespace");
      } else if (kind != Kind.OPERATOR) {
        requireLabel(kind.word + " name", name);
      }
    }
  }

  public static PeerIdentity site(String namespace, String name) {
    return new PeerIdentity(Kind.SITE, namespace, name);
  }

  public static PeerIdentity operator(String namespace) {
    return new PeerIdentity(Kind.OPERATOR, namespace, "");
  }

  public static PeerIdentity bridge(String namespace, String name) {
    return new PeerIdentity(Kind.BRIDGE, namespace, name);
  }

  /** The identity of the current gRPC call, set by {@link IdentityInterceptor}; empty outside one. */
  public static Optional<PeerIdentity> current() {
    return Optional.ofNullable(CONTEXT_KEY.get());
  }

  /** The URI SAN that carries this identity in a certificate. */
  public String uri() {
    return PREFIX + namespace + "/" + kind.word + (name.isEmpty() ? "" : "/" + name);
  }

  /** Parses a URI SAN; anything that is not exactly a fedmesh identity is empty, never an exception. */
  public static Optional<PeerIdentity> fromUri(String uri) {
    if (uri == null || uri.length() > 256 || !uri.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = uri.substring(PREFIX.length()).split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      return Optional.empty();
    }
    Optional<Kind> kind = Kind.of(parts[1]);
    if (kind.isEmpty() || (kind.get() == Kind.OPERATOR) != (parts.length == 2)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PeerIdentity(kind.get(), parts[0], parts.length == 3 ? parts[2] : ""));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether this caller may act as the given site: that site itself, or anyone on a plaintext link. */
  public boolean mayActAsSite(String siteNamespace, String siteName) {
    return kind == Kind.INSECURE || (kind == Kind.SITE && namespace.equals(siteNamespace) && name.equals(siteName));
  }

  @Override
  public String toString() {
    return kind == Kind.INSECURE ? "an unauthenticated caller (--insecure)" : uri();
  }

  private static void requireLabel(String what, String value) {
    if (value == null || !DNS1123.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)");
    }
  }
}
