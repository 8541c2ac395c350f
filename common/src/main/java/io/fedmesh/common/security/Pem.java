package io.fedmesh.common.security;

import io.fedmesh.common.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM files: certificates, and private keys as unencrypted PKCS#8 readable only by their owner. */
final class Pem {
  private Pem() {}

  static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    write(file, certificate, false);
  }

  static void writeKey(Path file, PrivateKey key) throws IOException {
    // the JDK's own PKCS#8 encoding: what every reader (the JDK's KeyFactory, Netty, OpenSSL) takes
    write(file, new PemObject("PRIVATE KEY", key.getEncoded()), true);
  }

  static X509Certificate readCertificate(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException | ClassCastException e) {
      throw new IOException(file + " is not a PEM X.509 certificate: " + e.getMessage(), e);
    }
  }

  static PrivateKey readKey(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new IOException(file + " holds no unencrypted private key");
    }
  }

  private static void write(Path file, Object pemObject, boolean secret) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(pemObject);
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
    if (!secret) {
      AtomicFiles.write(file, bytes);
      return;
    }
    // a key is never readable by others, not even for the moment between write and rename: the
    // JDK creates a temporary file owner-only (rw-------) on POSIX file systems
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".key-", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
