package io.fedmesh.common.security;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A mesh's certificate authority on disk ({@code ca.crt}, {@code ca.key}, {@code issued.csv}):
 * it issues one certificate per site, operator and bridge, with the identity as a URI SAN and the
 * names servers are reached by as DNS/IP SANs. Keys are ECDSA P-256: small and fast to handshake.
 */
public final class CertificateAuthority {
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(Path dir, X509Certificate certificate, PrivateKey key) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
  }

  /** Makes a new CA in {@code dir}; refuses to overwrite one, since every certificate it issued would die with it. */
  public static CertificateAuthority create(Path dir, String name, Duration validity) throws IOException {
    if (Files.exists(dir.resolve(CA_KEY))) {
      throw new IllegalStateException(dir.resolve(CA_KEY) + " exists: a mesh keeps one CA; use it, or choose another --ca-dir");
    }
    Files.createDirectories(dir);
    KeyPair pair = newKeyPair();
    X500Name subject = new X500Name("CN=" + name + ",O=fedmesh");
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate ca = sign(b, pair.getPrivate());
      Pem.writeKey(dir.resolve(CA_KEY), pair.getPrivate());
      Pem.writeCertificate(dir.resolve(CA_CERT), ca);
      return new CertificateAuthority(dir, ca, pair.getPrivate());
    } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot make a CA: " + e.getMessage(), e);
    }
  }

  public static CertificateAuthority load(Path dir) throws IOException {
    if (!Files.isReadable(dir.resolve(CA_KEY)) || !Files.isReadable(dir.resolve(CA_CERT))) {
      throw new IllegalArgumentException("no CA in " + dir + ": run `fedmesh certs init --ca-dir " + dir + "` first");
    }
    return new CertificateAuthority(dir, Pem.readCertificate(dir.resolve(CA_CERT)), Pem.readKey(dir.resolve(CA_KEY)));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public IssuedLedger ledger() {
    return new IssuedLedger(dir);
  }

  /**
   * Issues a certificate for {@code identity} into {@code out} as tls.crt, tls.key and ca.crt (the
   * layout of a Kubernetes TLS Secret with its CA), valid from {@code notBefore} for {@code validity}.
   *
   * @param hosts DNS names and IP addresses a server is reached by (empty for a client-only peer)
   */
  public X509Certificate issue(PeerIdentity identity, List<String> hosts, Instant notBefore, Duration validity, Path out) throws IOException {
    if (identity.kind() == PeerIdentity.Kind.INSECURE) {
      throw new IllegalArgumentException("an insecure caller has no certificate");
    }
    Files.createDirectories(out);
    KeyPair pair = newKeyPair();
    X509Certificate leaf = sign(identity, hosts, pair.getPublic(), notBefore, notBefore.plus(validity));
    Pem.writeKey(out.resolve("tls.key"), pair.getPrivate());
    Pem.writeCertificate(out.resolve("tls.crt"), leaf);
    Pem.writeCertificate(out.resolve("ca.crt"), certificate);
    ledger().record(leaf, identity, hosts, out);
    return leaf;
  }

  /** Issues a new key and certificate in place of the one in {@code out}, for the same identity and hosts. */
  public X509Certificate renew(Path out, Duration validity) throws IOException {
    X509Certificate old = Pem.readCertificate(out.resolve("tls.crt"));
    PeerIdentity identity = CertificateIdentity.of(old)
        .orElseThrow(() -> new IllegalArgumentException(out.resolve("tls.crt") + " carries no fedmesh identity: issue a new one instead"));
    return issue(identity, hostsOf(old), Instant.now().minusSeconds(60), validity, out);
  }

  private X509Certificate sign(PeerIdentity identity, List<String> hosts, PublicKey publicKey, Instant from, Instant until) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
    for (String host : hosts) {
      names.add(isIpAddress(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
    }
    String cn = identity.kind() == PeerIdentity.Kind.OPERATOR ? "operator" : identity.name();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from), Date.from(until),
          new X500Name("CN=" + cn + ",OU=" + identity.kind().word() + ",O=fedmesh"), publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          // every fedmesh peer is both: the operator serves sites and calls bridges
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return sign(b, key);
    } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + identity + ": " + e.getMessage(), e);
    }
  }

  /** The DNS and IP SANs of a certificate, in order. */
  static List<String> hostsOf(X509Certificate certificate) {
    List<String> hosts = new ArrayList<>();
    try {
      var names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> n : names) {
          if (n.get(0) instanceof Integer type && (type == GeneralName.dNSName || type == GeneralName.iPAddress)) {
            hosts.add(String.valueOf(n.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subject alternative names: " + e.getMessage(), e);
    }
    return hosts;
  }

  private static boolean isIpAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+") || !(host.contains(".") || host.contains(":"))) {
      return false;
    }
    try {
      InetAddress.getByName(host); // a literal: no lookup happens
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JDK: " + e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE); // positive, unpredictable, never zero
  }
}
