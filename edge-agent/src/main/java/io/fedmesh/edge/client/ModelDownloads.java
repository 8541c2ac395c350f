package io.fedmesh.edge.client;

import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model versions from the coordinator, sent as few times as it can: the last version per training
 * is held, so the same version is confirmed by its digest and a newer one comes as a patch of it,
 * and two callers asking for one version at once share one transfer.
 */
final class ModelDownloads {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelDownloads.class);

  private final CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private final ResumableStream stream;
  private final ScriptFiles scriptFiles;
  private final AtomicLong bytesReceived;

  ModelDownloads(CoordinatorGrpc.CoordinatorBlockingStub blocking, ResumableStream stream, ScriptFiles scriptFiles,
      AtomicLong bytesReceived) {
    this.blocking = blocking;
    this.stream = stream;
    this.scriptFiles = scriptFiles;
    this.bytesReceived = bytesReceived;
  }

  /** The last version downloaded per training and its digest (the bytes are never changed once held). */
  private record Held(String version, String sha256, byte[] f32) {}

  /** Trainings whose last version is held: a few, the most recent (each is one model's bytes). */
  private static final int HELD_TRAININGS = 4;

  private final java.util.Map<String, Held> held = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Held> eldest) {
          return size() > HELD_TRAININGS;
        }
      });

  /** Downloads in progress by training and version: a second caller waits for the first instead of downloading again. */
  private final java.util.Map<String, java.util.concurrent.CompletableFuture<CoordinatorClient.Downloaded>> downloading =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Downloads a model version, resuming from the bytes already received after a failure. A version
   * this agent downloaded last for the training (served, then trained from) is not sent again: the
   * request names the digest held and the coordinator confirms it. A version being downloaded
   * already (serving and training asked at once, when a round closes) is waited for.
   */
  CoordinatorClient.Downloaded download(String training, String version, String site) {
    String key = training + "@" + version;
    var mine = new java.util.concurrent.CompletableFuture<CoordinatorClient.Downloaded>();
    var running = downloading.putIfAbsent(key, mine);
    if (running != null) {
      try {
        CoordinatorClient.Downloaded d = running.join();
        return new CoordinatorClient.Downloaded(d.spec(), d.f32(), 0, true, 0);
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
        return fetch(training, version, site); // the other one failed: this caller tries on its own
      }
    }
    try {
      CoordinatorClient.Downloaded d = fetch(training, version, site);
      mine.complete(d);
      return d;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      downloading.remove(key, mine);
    }
  }

  private CoordinatorClient.Downloaded fetch(String training, String version, String site) {
    Held have = held.get(training);
    if (have != null && !have.version().equals(version)) {
      CoordinatorClient.Downloaded patched = patched(training, version, site, have);
      if (patched != null) {
        return patched;
      }
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ModelSpec[] spec = new ModelSpec[1];
    Held known = have != null && have.version().equals(version) ? have : null;
    boolean[] reused = new boolean[1];
    long start = System.nanoTime();
    stream.read("model download of " + version, buffer,
        offset -> blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadModel(DownloadModelRequest.newBuilder()
            .setTraining(training).setModelVersion(version).setSiteName(site).setOffset(offset)
            .setHaveSha256(known == null ? "" : known.sha256()).build()),
        (ModelChunk c) -> {
          if (c.hasModel()) {
            spec[0] = c.getModel();
          }
          if (c.getUnchanged() && known != null && buffer.size() == 0 && c.getTotalBytes() == known.f32().length) {
            buffer.writeBytes(known.f32()); // confirmed: the held bytes are this version's
            reused[0] = true;
          }
          return new ResumableStream.Piece(c.getOffset(), c.getTotalBytes(), c.getData(), c.getLast());
        });
    if (spec[0] == null) {
      throw new IllegalStateException("model " + version + " of " + training + " arrived without its spec");
    }
    if (spec[0].getArchitecture().equals(io.fedmesh.common.model.ArchitectureType.TORCHSCRIPT.wireName())) {
      scriptFiles.ensure(training, version, site, io.fedmesh.common.model.ModelDescription.fromProto(spec[0]).script());
    }
    byte[] f32 = reused[0] ? known.f32() : buffer.toByteArray();
    if (!reused[0]) {
      held.put(training, new Held(version, io.fedmesh.common.codec.Digests.sha256Hex(f32), f32));
    }
    return new CoordinatorClient.Downloaded(spec[0], f32, (System.nanoTime() - start) / 1e9, reused[0], reused[0] ? 0 : f32.length);
  }

  /**
   * The version as a patch of the held older one (or whole, when the coordinator finds no smaller
   * patch), in one attempt; null when that attempt fails in any way, and the caller downloads in full.
   */
  private CoordinatorClient.Downloaded patched(String training, String version, String site, Held have) {
    long start = System.nanoTime();
    try {
      PatchedDownload.Result r = PatchedDownload.read(blocking.withDeadlineAfter(120, TimeUnit.SECONDS).downloadModel(
          DownloadModelRequest.newBuilder().setTraining(training).setModelVersion(version).setSiteName(site)
              .setHaveVersion(have.version()).setHaveSha256(have.sha256()).build()), have.f32());
      bytesReceived.addAndGet(r.wireBytes());
      if (r.spec().getArchitecture().equals(io.fedmesh.common.model.ArchitectureType.TORCHSCRIPT.wireName())) {
        scriptFiles.ensure(training, version, site, io.fedmesh.common.model.ModelDescription.fromProto(r.spec()).script());
      }
      held.put(training, new Held(version, r.sha256(), r.f32()));
      return new CoordinatorClient.Downloaded(r.spec(), r.f32(), (System.nanoTime() - start) / 1e9, false, r.wireBytes());
    } catch (RuntimeException e) {
      LOG.info("model {} of {} as a patch of {} did not arrive whole ({}); downloading it in full", version, training,
          have.version(), e.getMessage());
      return null;
    }
  }

}
