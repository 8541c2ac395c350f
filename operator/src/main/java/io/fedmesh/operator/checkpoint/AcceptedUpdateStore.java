package io.fedmesh.operator.checkpoint;

import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.operator.aggregation.ClientUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The updates the coordinator acknowledged for a training's open round, on the checkpoint volume,
 * so that an operator killed mid-round resumes the round with them:
 * {@code <dir>/<namespace>/<training>/inbox/round-<n>/<site>.update}. Each file is written with
 * {@link AtomicFiles} (temp file, fsync, rename) before the update is acknowledged, and ends with
 * a CRC32C of its content; a file that does not read back whole is ignored with a log line, never
 * aggregated. A round's files go once the checkpoint of that round is written.
 */
public final class AcceptedUpdateStore {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptedUpdateStore.class);
  private static final int MAGIC = 0x464d5550; // "FMUP"
  /** 2 adds the held-out evaluation after the work seconds; format 1 files (without it) still read. */
  private static final int FORMAT = 2;
  private static final String SUFFIX = ".update";
  /** Kubernetes object names: nothing a peer sends can name a path outside the store. */
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
  /** Room for the fields besides the weights (three names, a few numbers); beyond it a file is not one of ours. */
  private static final int MAX_HEADER_BYTES = 8192;

  /** An update as acknowledged: its idempotency key and the global model version it was trained from. */
  public record Stored(String idempotencyKey, String baseVersion, ClientUpdate update) {}

  private final Path root;

  public AcceptedUpdateStore(Path root) {
    this.root = root;
  }

  /** Persists an acknowledged update; returns once it is on disk. */
  public void save(String training, int round, String idempotencyKey, String baseVersion, ClientUpdate u) {
    Path file = roundDir(training, round).resolve(checkedName(u.site(), "site") + SUFFIX);
    AtomicFiles.write(file, encode(round, idempotencyKey, baseVersion, u));
  }

  /**
   * The updates persisted for {@code round} of {@code training} that read back whole, have
   * {@code parameters} weights and were trained from {@code baseVersion}; anything else is skipped
   * with a log line.
   */
  public List<Stored> load(String training, int round, int parameters, String baseVersion) {
    List<Stored> found = new ArrayList<>();
    forEach(training, round, parameters, baseVersion, found::add);
    return found;
  }

  /**
   * The same updates as {@link #load}, handed over one at a time, in file-name order, each read
   * whole and checked before it is handed on: a caller that folds them holds one update at once.
   */
  public void forEach(String training, int round, int parameters, String baseVersion, Consumer<Stored> each) {
    Path dir = roundDir(training, round);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String fileName = f.getFileName().toString();
        if (!fileName.endsWith(SUFFIX)) {
          LOG.warn("{}: ignoring {} in the durable inbox: not a persisted update (a write cut short by a crash?)", training, f);
          continue;
        }
        read(training, f, fileName.substring(0, fileName.length() - SUFFIX.length()), round, parameters, baseVersion).ifPresent(each);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the durable inbox " + dir + ": " + e.getMessage(), e);
    }
  }

  /** One site's persisted update of {@code round}, if it reads back whole and was trained from {@code baseVersion}. */
  public Optional<Stored> loadOne(String training, int round, String site, int parameters, String baseVersion) {
    Path f = roundDir(training, round).resolve(checkedName(site, "site") + SUFFIX);
    if (!Files.isRegularFile(f)) {
      LOG.warn("{}: the durable inbox has no update of {} for round {} ({})", training, site, round, f);
      return Optional.empty();
    }
    return read(training, f, site, round, parameters, baseVersion);
  }

  private Optional<Stored> read(String training, Path f, String site, int round, int parameters, String baseVersion) {
    try {
      Stored s = decode(Files.size(f) > 4L * parameters + MAX_HEADER_BYTES ? null : Files.readAllBytes(f), round, parameters);
      if (!s.update().site().equals(site)) {
        throw new IllegalArgumentException("it holds the update of site " + s.update().site());
      }
      if (!s.baseVersion().equals(baseVersion)) {
        LOG.warn("{}: ignoring {}: trained from model {}, the round resumes from {}", training, f, s.baseVersion(), baseVersion);
        return Optional.empty();
      }
      return Optional.of(s);
    } catch (IllegalArgumentException | IOException e) { // EOFException: cut short
      LOG.warn("{}: ignoring {} in the durable inbox, it is not aggregated: {}", training, f, e.getMessage());
      return Optional.empty();
    }
  }

  /** Removes the files of every round up to {@code round} (its checkpoint is written: they are in the model). */
  public void removeUpTo(String training, int round) {
    Path inbox = inboxDir(training);
    if (!Files.isDirectory(inbox)) {
      return;
    }
    try (Stream<Path> rounds = Files.list(inbox)) {
      for (Path r : rounds.toList()) {
        String n = r.getFileName().toString();
        if (n.matches("round-\\d{1,9}") && Integer.parseInt(n.substring(6)) <= round) {
          deleteTree(r);
        }
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot remove closed rounds from {}: {}", training, inbox, e.getMessage());
    }
  }

  /** Removes one site's persisted update of {@code round} (BufferedAsync: it is folded into a checkpoint, its round still open). */
  public void remove(String training, int round, String site) {
    try {
      Files.deleteIfExists(roundDir(training, round).resolve(checkedName(site, "site") + SUFFIX));
    } catch (IOException e) {
      LOG.warn("{}: cannot remove the folded update of {} for round {}: {}", training, site, round, e.getMessage());
    }
  }

  /** Removes everything persisted for a training (it ended or was deleted). */
  public void removeAll(String training) {
    try {
      deleteTree(inboxDir(training));
    } catch (IOException e) {
      LOG.warn("{}: cannot remove the durable inbox {}: {}", training, inboxDir(training), e.getMessage());
    }
  }

  Path roundDir(String training, int round) {
    return inboxDir(training).resolve("round-" + round);
  }

  private Path inboxDir(String training) {
    int slash = training.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("training key '" + training + "' must be namespace/name");
    }
    return root.resolve(checkedName(training.substring(0, slash), "namespace"))
        .resolve(checkedName(training.substring(slash + 1), "training name")).resolve("inbox");
  }

  private static String checkedName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not a Kubernetes object name; it cannot name a file");
    }
    return name;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static byte[] encode(int round, String idempotencyKey, String baseVersion, ClientUpdate u) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * u.weights().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(round);
      out.writeUTF(idempotencyKey);
      out.writeUTF(baseVersion);
      out.writeUTF(u.site());
      out.writeLong(u.samples());
      out.writeDouble(u.trainLoss());
      out.writeDouble(u.localMetric());
      out.writeLong(u.bytes());
      out.writeDouble(u.workSeconds());
      ClientUpdate.HeldOut h = u.heldOut();
      out.writeLong(h == null ? 0 : h.samples());
      out.writeDouble(h == null ? 0 : h.metric());
      out.writeDouble(h == null ? 0 : h.loss());
      out.writeInt(u.weights().length);
      ByteBuffer w = ByteBuffer.allocate(4 * u.weights().length).order(ByteOrder.LITTLE_ENDIAN);
      w.asFloatBuffer().put(u.weights());
      out.write(w.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory, with short texts (admission fixes the key to training/round/site)
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    ByteBuffer tail = ByteBuffer.allocate(8).putLong(crc.getValue());
    bytes.writeBytes(tail.array());
    return bytes.toByteArray();
  }

  /** Reads a file back; every field is checked, as a file on a shared volume may be anything. */
  static Stored decode(byte[] data, int round, int parameters) throws IOException {
    if (data == null) {
      throw new IllegalArgumentException("larger than an update of " + parameters + " parameters");
    }
    if (data.length < 8) {
      throw new IllegalArgumentException("truncated (" + data.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(data, data.length - 8, 8).getLong()) {
      throw new IllegalArgumentException("checksum mismatch (torn or changed file)");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8));
    int format = in.readInt() == MAGIC ? in.readInt() : -1;
    if (format != 1 && format != FORMAT) {
      throw new IllegalArgumentException("not a fedmesh update file of format 1 or " + FORMAT);
    }
    int fileRound = in.readInt();
    if (fileRound != round) {
      throw new IllegalArgumentException("holds round " + fileRound + ", not " + round);
    }
    String key = in.readUTF();
    String base = in.readUTF();
    String site = in.readUTF();
    long samples = in.readLong();
    double loss = in.readDouble();
    double metric = in.readDouble();
    long bytes = in.readLong();
    double work = in.readDouble();
    ClientUpdate.HeldOut heldOut = null;
    if (format >= 2) {
      long heldSamples = in.readLong();
      double heldMetric = in.readDouble();
      double heldLoss = in.readDouble();
      if (heldSamples < 0 || heldSamples > 0 && !(Double.isFinite(heldMetric) && Double.isFinite(heldLoss))) {
        throw new IllegalArgumentException("held-out evaluation out of range");
      }
      heldOut = heldSamples == 0 ? null : new ClientUpdate.HeldOut(heldMetric, heldLoss, heldSamples);
    }
    int n = in.readInt();
    if (n != parameters || in.available() != 4L * n) {
      throw new IllegalArgumentException("holds " + n + " weights in " + in.available() + " bytes; the model has " + parameters);
    }
    if (samples < 1 || !Double.isFinite(loss)) {
      throw new IllegalArgumentException("samples " + samples + " or loss " + loss + " out of range");
    }
    byte[] raw = new byte[4 * n];
    in.readFully(raw);
    float[] weights = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(weights);
    for (float w : weights) {
      if (!Float.isFinite(w)) {
        throw new IllegalArgumentException("holds a non-finite weight");
      }
    }
    return new Stored(key, base, new ClientUpdate(site, weights, samples, loss, metric, bytes, work, heldOut));
  }

}
