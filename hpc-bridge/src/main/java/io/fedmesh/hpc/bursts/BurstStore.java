package io.fedmesh.hpc.bursts;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.hpc.engine.ConfinedPath;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The bursts this bridge knows and their journal, under {@code <workDir>/bursts/<uid>/}, written
 * atomically: the request (request.json), each task's job id and exit code (tasks.log, see
 * {@link BurstJournal}), the final status (status.json), the tasks' {@code output/} and {@code work/}.
 * A burst is either live (run by this bridge process) or ended before it started (served from
 * status.json).
 */
public final class BurstStore {
  private final Path root;
  private final Map<String, BurstExecution> live = new ConcurrentHashMap<>();
  private final Map<String, BurstStatus> endedBefore = new ConcurrentHashMap<>();

  public BurstStore(Path workDir) {
    this.root = workDir.resolve("bursts");
  }

  /** Whether the bridge has this burst, live or ended. */
  public boolean knows(String uid) {
    return live.containsKey(uid) || endedBefore.containsKey(uid);
  }

  /** The burst this bridge process runs (or ran), if any. */
  public Optional<BurstExecution> live(String uid) {
    return Optional.ofNullable(live.get(uid));
  }

  /** The final status of a burst that ended before this bridge process started. */
  public Optional<BurstStatus> endedBefore(String uid) {
    return Optional.ofNullable(endedBefore.get(uid));
  }

  /** The current status of a burst with its tasks' events, or null when unknown. */
  public BurstStatus status(String uid) {
    BurstExecution b = live.get(uid);
    return b != null ? b.status(0) : endedBefore.get(uid);
  }

  /** Bursts in progress. */
  public long running() {
    return live.values().stream().filter(b -> !b.done()).count();
  }

  /** Where the burst's tasks write their samples. */
  public Path outputDir(String uid) {
    return dir(uid).resolve("output");
  }

  private static final java.util.regex.Pattern UID = java.util.regex.Pattern.compile("^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?$");

  /** A Kubernetes uid's shape: what may name a burst's directory. */
  public static boolean validUid(String uid) {
    return uid != null && UID.matcher(uid).matches();
  }

  Path dir(String uid) {
    if (!validUid(uid)) { // the gRPC service refuses such uids first; this keeps every path under the root
      throw new IllegalArgumentException("burst uid '" + uid + "' is not a Kubernetes uid");
    }
    return ConfinedPath.resolve(root, uid);
  }

  void add(BurstExecution burst) {
    live.put(burst.uid, burst);
  }

  /**
   * Whether {@code request} is the one this uid was first submitted with (journaled as
   * request.json); a uid is one burst, so a different spec under it is refused, not ignored.
   */
  public boolean sameAsJournaled(SubmitBurstRequest request) {
    Path file = dir(request.getBurstUid()).resolve("request.json");
    if (!Files.exists(file)) {
      return true; // nothing journaled to differ from (an ended burst's journal may be gone)
    }
    try {
      SubmitBurstRequest.Builder first = SubmitBurstRequest.newBuilder();
      JsonFormat.parser().merge(Files.readString(file), first);
      return first.build().equals(request);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  void recordRequest(SubmitBurstRequest request) {
    AtomicFiles.write(dir(request.getBurstUid()).resolve("request.json"), json(request));
  }

  /** Writes the ended burst's status.json; returns that status. */
  BurstStatus recordEnd(BurstExecution burst) {
    BurstStatus end = status(burst.uid);
    AtomicFiles.write(dir(burst.uid).resolve("status.json"), json(end));
    return end;
  }

  /**
   * Reads the journal of an earlier run of the bridge: ended bursts are kept to be served as they
   * ended, the request of each unfinished one goes to {@code resume}.
   */
  void reload(Consumer<SubmitBurstRequest> resume) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path status = dir.resolve("status.json");
        Path request = dir.resolve("request.json");
        if (Files.exists(status)) {
          BurstStatus.Builder b = BurstStatus.newBuilder();
          JsonFormat.parser().merge(Files.readString(status), b);
          endedBefore.put(dir.getFileName().toString(), b.build());
        } else if (Files.exists(request)) {
          SubmitBurstRequest.Builder r = SubmitBurstRequest.newBuilder();
          JsonFormat.parser().merge(Files.readString(request), r);
          resume.accept(r.build());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the journal in " + root + ": " + e.getMessage(), e);
    }
  }

  private static String json(MessageOrBuilder m) {
    try {
      return JsonFormat.printer().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
