package io.fedmesh.mesh.bench;

import com.google.protobuf.ByteString;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.Dataset;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.LinkQuality;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many edge sites in one process, each speaking the real coordinator protocol over loopback
 * gRPC: register, a heartbeat stream at the coordinator's interval (with a link RTT of its own, so
 * the status audit can check it arrived), and for each assignment a real model download and update
 * upload. Training is instant (a fixed step on the weights), so a round's time is the protocol's.
 */
final class SimulatedSites implements AutoCloseable {
  /**
   * Heartbeat RTT a site reports: loopback-sized (the coordinator counts it into a site's work, so a
   * made-up WAN figure would hide round overhead), and varying by site so the audit can tell a
   * site's own value from another's.
   */
  static double rttOf(int index) {
    return 0.1 + (index % 50) / 100.0;
  }

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ScheduledExecutorService beats = Executors.newScheduledThreadPool(2, daemon("bench-heartbeats"));
  private final ExecutorService work = Executors.newFixedThreadPool(8, daemon("bench-sites"));
  private final Map<String, StreamObserver<HeartbeatRequest>> streams = new ConcurrentHashMap<>();
  private final Set<String> taken = ConcurrentHashMap.newKeySet();
  private final Map<String, String> sessions = new ConcurrentHashMap<>();
  private final Set<String> idle = ConcurrentHashMap.newKeySet();
  private final Map<String, TrainAssignment> held = new ConcurrentHashMap<>();
  private final java.util.function.Function<String, ManagedChannel> perSite;
  /** Idempotency keys of the updates the coordinator acknowledged as new: each must land in its round. */
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;

  SimulatedSites(int port, int channelCount) {
    for (int i = 0; i < channelCount; i++) {
      channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }
    this.perSite = null;
  }

  /** Sites with a channel each, made by {@code channelFor} (one certificate per site for mutual TLS). */
  SimulatedSites(java.util.function.Function<String, ManagedChannel> channelFor) {
    this.perSite = channelFor;
  }

  /** Registers {@code site} and starts its heartbeats. */
  void start(String namespace, String site, int index, Duration interval) {
    ManagedChannel ch;
    if (perSite != null) {
      ch = perSite.apply(site);
      synchronized (channels) {
        channels.add(ch);
      }
    } else {
      ch = channels.get(index % channels.size());
    }
    String session = register(ch, RegisterRequest.newBuilder()
        .setSiteName(site).setNamespace(namespace).setAgentVersion("bench").putLabels("fedmesh.io/bench", "yes")
        .addDatasets(Dataset.newBuilder().setName("local").setSamples(100 + index % 50).setFeatures(8).setClasses(3)).build());
    sessions.put(site, session);
    StreamObserver<HeartbeatRequest> stream = CoordinatorGrpc.newStub(ch).heartbeat(new StreamObserver<>() {
      @Override
      public void onNext(HeartbeatResponse ack) {
        for (TrainAssignment a : ack.getAssignmentsList()) {
          if (idle.contains(site)) {
            held.put(site, a); // a site that takes assignments and never trains: an attacker in the cohort
            continue;
          }
          if (taken.add(a.getTraining() + "/" + a.getRound() + "/" + site)) {
            long received = System.nanoTime();
            work.execute(() -> train(ch, site, a, received));
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!closed) {
          failures.incrementAndGet();
        }
      }

      @Override
      public void onCompleted() {
      }
    });
    streams.put(site, stream);
    AtomicLong seq = new AtomicLong();
    long offset = ThreadLocalRandom.current().nextLong(interval.toMillis());
    beats.scheduleAtFixedRate(() -> {
      if (closed) {
        return;
      }
      synchronized (stream) {
        stream.onNext(HeartbeatRequest.newBuilder().setSessionId(session).setSiteName(site).setSeq(seq.incrementAndGet())
            .setSentUnixNanos(System.currentTimeMillis() * 1_000_000L)
            .setLink(LinkQuality.newBuilder().setRttMs(rttOf(index)).setBandwidthMbps(100)).build());
      }
    }, offset, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Registers as an agent does: a RESOURCE_EXHAUSTED (the coordinator's rate limit) is retried after a jittered pause. */
  private static String register(ManagedChannel ch, RegisterRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).register(request).getSessionId();
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.RESOURCE_EXHAUSTED || attempt > 100) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50 + ThreadLocalRandom.current().nextLong(200)));
      }
    }
  }

  private void train(ManagedChannel ch, String site, TrainAssignment a, long receivedNanos) {
    try {
      Iterator<ModelChunk> chunks = CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .downloadModel(DownloadModelRequest.newBuilder().setTraining(a.getTraining()).setModelVersion(a.getModelVersion()).setSiteName(site).build());
      ByteArrayOutputStream model = new ByteArrayOutputStream();
      chunks.forEachRemaining(c -> model.writeBytes(c.getData().toByteArray()));
      int n = (int) a.getModel().getNumParameters();
      float[] w = UpdateCodec.decode(model.toByteArray(), UpdateEncoding.F32, n);
      for (int i = 0; i < w.length; i++) {
        w[i] = 0.9f * w[i] + 0.01f;
      }
      byte[] data = UpdateCodec.encode(w, UpdateEncoding.F32);
      var done = new java.util.concurrent.CompletableFuture<UploadUpdateResponse>();
      StreamObserver<UpdateChunk> up = CoordinatorGrpc.newStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).uploadUpdate(new StreamObserver<>() {
        @Override
        public void onNext(UploadUpdateResponse r) {
          done.complete(r);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
        }
      });
      double beforeUpload = (System.nanoTime() - receivedNanos) / 1e9;
      up.onNext(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder()
          .setIdempotencyKey(a.getTraining() + "/" + a.getRound() + "/" + site).setTraining(a.getTraining()).setRound(a.getRound())
          .setSiteName(site).setSessionId(sessions.get(site)).setBaseModelVersion(a.getModelVersion()).setSamples(100).setTrainLoss(0.5).setLocalMetric(0.9)
          .setEncoding(UpdateEncoding.F32.toProto()).setNumParameters(n).setTotalBytes(data.length)
          .setReceivedToUploadSeconds(beforeUpload))
          .setOffset(0).setData(ByteString.copyFrom(data)).setLast(true).build());
      up.onCompleted();
      UploadUpdateResponse answer = done.get(60, TimeUnit.SECONDS);
      if (answer.getAccepted() && !answer.getDuplicate()) {
        acknowledged.add(a.getTraining() + "/" + a.getRound() + "/" + site);
      }
      uploads.incrementAndGet();
    } catch (Exception e) {
      if (!closed) {
        failures.incrementAndGet();
      }
    }
  }

  long uploads() {
    return uploads.get();
  }

  /** training/round/site of every update acknowledged as new. */
  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Makes {@code site} (before its start) one that holds its assignments instead of training. */
  void idle(String site) {
    idle.add(site);
  }

  /** The last assignment an idle site was given, or null. */
  TrainAssignment heldAssignment(String site) {
    return held.get(site);
  }

  /** The session a site holds now. */
  String session(String site) {
    return sessions.get(site);
  }

  long failures() {
    return failures.get();
  }

  /** Stops heartbeats (sites fall silent) without closing the streams. */
  void pause() {
    closed = true;
  }

  @Override
  public void close() {
    closed = true;
    beats.shutdownNow();
    work.shutdownNow();
    streams.values().forEach(s -> {
      try {
        synchronized (s) {
          s.onCompleted();
        }
      } catch (RuntimeException e) {
        // already closed by the coordinator
      }
    });
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
