package io.fedmesh.models;

import io.fedmesh.common.model.ModelDescription.ScriptRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TorchScript files this process knows, by content: the operator registers the files its
 * models name, an agent the ones it downloaded and checked. A network is only ever loaded from a
 * file whose digest was checked here, so what runs is what the DistributedModel pinned.
 */
public final class TorchScripts {
  /** Largest TorchScript file taken on (a ResNet-50 is about 100 MB). */
  public static final long MAX_BYTES = 256L << 20;
  private static final Map<String, Path> FILES = new ConcurrentHashMap<>();

  private TorchScripts() {}

  /** Digests {@code file} and remembers it; refuses a file that is empty, too large or not readable. */
  public static ScriptRef register(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 1 || size > MAX_BYTES) {
      throw new IOException(file + " has " + size + " bytes: a TorchScript file must have between 1 and " + MAX_BYTES);
    }
    ScriptRef ref = new ScriptRef(sha256(file), size);
    FILES.put(ref.sha256(), file);
    return ref;
  }

  /** The checked file of {@code ref}, if this process has it. */
  public static Optional<Path> path(ScriptRef ref) {
    Path p = FILES.get(ref.sha256());
    return p != null && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  static Path require(ScriptRef ref) {
    return path(ref).orElseThrow(() -> new IllegalStateException("TorchScript sha256:" + ref.sha256()
        + " is not available in this process: it must be registered (operator: the model's file; agent: downloaded) first"));
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
