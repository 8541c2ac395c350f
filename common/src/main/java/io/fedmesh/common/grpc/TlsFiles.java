package io.fedmesh.common.grpc;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Certificate files for mutual TLS (the layout of a Kubernetes TLS Secret: tls.crt, tls.key,
 * ca.crt), as `fedmesh certs issue` writes them. A null directory means plaintext (--insecure).
 */
public record TlsFiles(Path certChain, Path privateKey, Path trustedCa) {

  public static TlsFiles fromDirectory(Path dir) {
    if (dir == null) {
      return null;
    }
    TlsFiles files = new TlsFiles(dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"));
    for (Path p : new Path[] {files.certChain, files.privateKey, files.trustedCa}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS directory " + dir + " lacks " + p.getFileName()
            + "; mount a Secret with tls.crt, tls.key and ca.crt there");
      }
    }
    return files;
  }
}
