package io.fedmesh.common.security;

import io.fedmesh.common.grpc.TlsFiles;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The `--tls-dir` / `--insecure` choice every fedmesh command makes the same way: mutual TLS unless told otherwise. */
public final class TransportSecurity {
  private static final Logger LOG = LoggerFactory.getLogger(TransportSecurity.class);

  private TransportSecurity() {}

  /**
   * The certificate files to use, or null for plaintext (only with {@code insecure}, and loudly).
   *
   * @param component the command, for the messages (e.g. "operator")
   */
  public static TlsFiles choose(String component, Path tlsDir, boolean insecure) {
    if (insecure && tlsDir != null) {
      throw new IllegalArgumentException(component + ": --insecure and --tls-dir exclude each other: drop one");
    }
    if (insecure) {
      LOG.warn("{}: --insecure: gRPC links run in PLAINTEXT with no peer authentication; anyone who reaches the port can act as any "
          + "site. Use only on a private test machine; issue certificates with `fedmesh certs` instead", component);
      return null;
    }
    if (tlsDir == null) {
      throw new IllegalArgumentException(component + ": mutual TLS is required: pass --tls-dir DIR holding tls.crt, tls.key and ca.crt"
          + " (issue them with `fedmesh certs init` and `fedmesh certs issue`), or --insecure for a plaintext test setup");
    }
    return TlsFiles.fromDirectory(tlsDir);
  }
}
