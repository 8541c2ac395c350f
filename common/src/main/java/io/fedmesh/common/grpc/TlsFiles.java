package io.fedmesh.common.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Certificate files for mutual TLS (the layout of a Kubernetes TLS Secret: tls.crt, tls.key,
 * ca.crt). A null directory means plaintext, for tests and the local mesh only.
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

  public static ServerCredentials serverCredentials(TlsFiles tls) {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(tls.certChain.toFile(), tls.privateKey.toFile())
          .trustManager(tls.trustedCa.toFile())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load TLS files: " + e.getMessage(), e);
    }
  }

  public static ChannelCredentials channelCredentials(TlsFiles tls) {
    if (tls == null) {
      return InsecureChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(tls.certChain.toFile(), tls.privateKey.toFile())
          .trustManager(tls.trustedCa.toFile())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load TLS files: " + e.getMessage(), e);
    }
  }
}
