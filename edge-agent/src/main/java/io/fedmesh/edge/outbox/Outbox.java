package io.fedmesh.edge.outbox;

import io.fedmesh.proto.federation.v1.UpdateHeader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trained updates waiting for the coordinator's ack, one file each, written atomically. A site
 * that was cut off delivers them when it returns; the idempotency key makes a resend harmless.
 */
public final class Outbox {
  /** A pending update: header plus encoded weights. */
  public record Pending(UpdateHeader header, byte[] data, Path file) {}

  private final Path dir;

  public Outbox(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create outbox " + dir + ": " + e.getMessage(), e);
    }
  }

  public Pending put(UpdateHeader header, byte[] data) {
    Path file = dir.resolve(fileName(header.getIdempotencyKey()));
    try {
      Path tmp = Files.createTempFile(dir, "pending", ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(os)) {
        byte[] h = header.toByteArray();
        out.writeInt(h.length);
        out.write(h);
        out.writeInt(data.length);
        out.write(data);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Pending(header, data, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write outbox entry " + file + ": " + e.getMessage(), e);
    }
  }

  public List<Pending> pending() {
    List<Pending> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".update")).sorted().toList()) {
        try (InputStream is = Files.newInputStream(f); DataInputStream in = new DataInputStream(is)) {
          byte[] h = new byte[in.readInt()];
          in.readFully(h);
          byte[] d = new byte[in.readInt()];
          in.readFully(d);
          out.add(new Pending(UpdateHeader.parseFrom(h), d, f));
        } catch (IOException e) {
          // a torn file cannot exist (atomic rename); anything unreadable is quarantined, not retried forever
          Files.move(f, f.resolveSibling(f.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list outbox " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  public void remove(Pending p) {
    try {
      Files.deleteIfExists(p.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove outbox entry " + p.file() + ": " + e.getMessage(), e);
    }
  }

  private static String fileName(String key) {
    return key.replaceAll("[^A-Za-z0-9_.-]", "_") + ".update";
  }
}
