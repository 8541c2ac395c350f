package io.fedmesh.edge.outbox;

import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** Writes an update durably (temp file + atomic rename) before it is sent. */
  public Pending put(UpdateHeader header, byte[] data) {
    Path file = dir.resolve(fileName(header.getIdempotencyKey()));
    byte[] h = header.toByteArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + h.length + data.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(h.length);
      out.write(h);
      out.writeInt(data.length);
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.write(file, bytes.toByteArray());
    return new Pending(header, data, file);
  }

  /** Every readable pending update, oldest key first. */
  public List<Pending> pending() {
    List<Pending> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".update")).sorted().toList()) {
        Pending p = read(f);
        if (p != null) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list outbox " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The pending update with this idempotency key, if one waits. */
  public Optional<Pending> find(String idempotencyKey) {
    Path file = dir.resolve(fileName(idempotencyKey));
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.ofNullable(read(file)).filter(p -> p.header().getIdempotencyKey().equals(idempotencyKey));
  }

  private static Pending read(Path f) {
    try (InputStream is = Files.newInputStream(f); DataInputStream in = new DataInputStream(is)) {
      byte[] h = new byte[in.readInt()];
      in.readFully(h);
      byte[] d = new byte[in.readInt()];
      in.readFully(d);
      return new Pending(UpdateHeader.parseFrom(h), d, f);
    } catch (NoSuchFileException e) {
      return null; // delivered and removed meanwhile
    } catch (IOException e) {
      // a torn file cannot exist (atomic rename); anything unreadable is quarantined, not retried forever
      try {
        Files.move(f, f.resolveSibling(f.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new UncheckedIOException("cannot quarantine unreadable outbox entry " + f + ": " + moveFailed.getMessage(), moveFailed);
      }
      return null;
    }
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
