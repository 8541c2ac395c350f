package io.fedmesh.mesh;

import io.fedmesh.common.io.AtomicFiles;
import java.nio.file.Path;

/**
 * The kubeconfig of the embedded API server, written to OUT/kubeconfig as soon as it is up, so
 * `kubectl --kubeconfig OUT/kubeconfig get fedmesh` works during a run and, with --keep-running,
 * after it. The server is on loopback and checks no credentials; the token only satisfies kubectl.
 */
final class Kubeconfig {
  static final String CONTEXT = "fedmesh-local";

  private Kubeconfig() {}

  static String of(String serverUrl, String namespace) {
    String server = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: %3$s
        current-context: %1$s
        users:
        - name: %1$s
          user:
            token: fedmesh-local
        """.formatted(CONTEXT, server, namespace);
  }

  static Path write(Path out, String serverUrl, String namespace) {
    Path file = out.resolve("kubeconfig");
    AtomicFiles.write(file, of(serverUrl, namespace));
    return file;
  }
}
