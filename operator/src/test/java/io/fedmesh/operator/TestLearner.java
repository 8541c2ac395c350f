package io.fedmesh.operator;

import com.google.protobuf.ByteString;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.proto.federation.v1.CoordinatorGrpc;
import io.fedmesh.proto.federation.v1.Dataset;
import io.fedmesh.proto.federation.v1.DownloadModelRequest;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.ModelChunk;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateChunk;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small learner for tests that speaks the real coordinator protocol over a loopback socket. Its
 * "training" moves every weight halfway to {@code target} and reports a local metric that grows
 * by round, so the aggregated model is predictable. It uploads each update twice to exercise
 * deduplication.
 */
final class TestLearner implements AutoCloseable {
  final String site;
  final int port;
  final float target;
  final long samples;
  final long heartbeatMs;
  final AtomicInteger heartbeatsSent = new AtomicInteger();
  final AtomicInteger assignmentsSeen = new AtomicInteger();
  final List<UploadUpdateResponse> responses = new CopyOnWriteArrayList<>();
  /** The global model each round started from, as first downloaded, by round (round 1's is the initial model). */
  final java.util.Map<Integer, float[]> downloaded = new ConcurrentHashMap<>();
  /** The training seed each round's assignment carried (LocalTraining.seed), by round. */
  final java.util.Map<Integer, Long> localSeeds = new ConcurrentHashMap<>();
  /** Why the coordinator refused this learner's uploads (gRPC status descriptions). */
  final List<String> refusals = new CopyOnWriteArrayList<>();

  /** How a hostile learner breaks its updates. */
  enum Tamper {
    NONE, NAN_WEIGHT, WRONG_SHAPE, HUGE_TOTAL, HUGE_SAMPLES, NAN_LOSS, SCALED,
    // top-k assignments only: a sparse payload whose indices repeat, point past the model, whose value is NaN, which claims
    // more values than a sparse update may carry, or which names no base model
    SPARSE_UNSORTED, SPARSE_OUT_OF_RANGE, SPARSE_NAN, SPARSE_TOO_MANY, SPARSE_NO_BASE,
    // a dense update encoded tensor by tensor whose list of encodings has one entry too few, or names top-k for a tensor
    PER_TENSOR_COUNT, PER_TENSOR_TOPK
  }

  /** Set: it sends its dense updates tensor by tensor in f16 (small tensors f32), as an agent does for a q8 or f16 assignment. */
  volatile boolean perTensorF16;

  volatile Tamper tamper = Tamper.NONE;
  /** Set: it downloads what it is asked to evaluate but never reports (an evaluator that hangs). */
  volatile boolean holdEvaluations;
  /** Set: its evaluations report this error instead of a metric (data that does not fit the model). */
  volatile String evaluationError;
  /** The versions it evaluated, in order, and the coordinator's answers. */
  final List<String> evaluated = new CopyOnWriteArrayList<>();
  final List<io.fedmesh.proto.federation.v1.EvaluationReportResponse> evaluationReports = new CopyOnWriteArrayList<>();
  /** Trains but keeps its updates to itself while set (a site that is slow to deliver, or would not deliver again). */
  volatile boolean withhold;
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final ExecutorService work = Executors.newSingleThreadExecutor();
  private final Thread loop;
  private volatile boolean paused;
  private volatile boolean closed;
  private final io.fedmesh.common.grpc.TlsFiles tls;
  /** The session of the current registration; uploads carry it. */
  volatile String session = "";

  TestLearner(String site, int port, float target, long samples) {
    this(site, port, target, samples, 150);
  }

  /** @param heartbeatMs how often it heartbeats: far above a round's time, only pushed assignments can reach it in time */
  TestLearner(String site, int port, float target, long samples, long heartbeatMs) {
    this(site, port, target, samples, heartbeatMs, null);
  }

  /** @param tls the site's certificate for a coordinator with mutual TLS; null for a plaintext one */
  TestLearner(String site, int port, float target, long samples, long heartbeatMs, io.fedmesh.common.grpc.TlsFiles tls) {
    this.tls = tls;
    this.heartbeatMs = heartbeatMs;
    this.site = site;
    this.port = port;
    this.target = target;
    this.samples = samples;
    this.loop = new Thread(this::run, "learner-" + site);
    loop.setDaemon(true);
    loop.start();
  }

  /** What this learner reports as the held-out metric of the model round {@code round} started from. */
  double heldOutMetric(int round) {
    return Math.min(1.0, 0.4 + 0.05 * round + (site.hashCode() & 1) * 0.02);
  }

  /** What this learner reports as an evaluator of the version round {@code round} produced, on all its samples. */
  double evaluatorMetric(int round) {
    return Math.min(1.0, 0.3 + 0.1 * round);
  }

  /**
   * Downloads the version it is asked to evaluate (as an agent must) and reports it: on its held-out
   * tenth, what the next round's sites would report of it (heldOutMetric(round + 1)); without a
   * holdout, evaluatorMetric(round) on all its samples.
   */
  private void evaluate(ManagedChannel channel, TrainAssignment a) {
    try {
      CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .downloadModel(DownloadModelRequest.newBuilder().setTraining(a.getTraining()).setModelVersion(a.getModelVersion())
              .setSiteName(site).build()).forEachRemaining(c -> { });
      double holdout = a.getLocal().getHoldoutFraction();
      long n = holdout > 0 ? Math.max(1, Math.round(samples * holdout)) : samples;
      var report = io.fedmesh.proto.federation.v1.EvaluationReport.newBuilder().setTraining(a.getTraining())
          .setModelVersion(a.getModelVersion()).setSiteName(site).setSamples(n).setLoss(0.5)
          .setMetricName(a.getModel().getTask() == io.fedmesh.proto.federation.v1.TaskType.TASK_TYPE_REGRESSION ? "mse" : "accuracy")
          .setMetric(holdout > 0 ? heldOutMetric(a.getRound() + 1) : evaluatorMetric(a.getRound()));
      if (holdEvaluations) {
        return;
      }
      if (evaluationError != null) {
        report.clearMetric().clearLoss().clearSamples().setError(evaluationError);
      }
      evaluationReports.add(CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .reportEvaluation(report.build()));
      evaluated.add(a.getModelVersion());
    } catch (RuntimeException e) {
      done.remove(a.getTraining() + "/" + a.getRound() + "/evaluate"); // asked again on the next heartbeat
    }
  }

  /** Stops heartbeats (the site falls silent) without closing anything. */
  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
  }

  private void run() {
    while (!closed) {
      ManagedChannel channel = io.fedmesh.common.security.MutualTls.channel("127.0.0.1:" + port, tls).build();
      try {
        var blocking = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        session = blocking.register(RegisterRequest.newBuilder().setSiteName(site).putLabels("fedmesh.io/test", "yes")
            .addDatasets(Dataset.newBuilder().setName("local").setSamples(samples).setFeatures(2).setClasses(2)).build()).getSessionId();
        done.clear(); // as the real agent: a new session re-delivers what is still assigned
        CompletableFuture<Void> broken = new CompletableFuture<>();
        StreamObserver<HeartbeatRequest> hb = CoordinatorGrpc.newStub(channel).heartbeat(new StreamObserver<>() {
          @Override
          public void onNext(HeartbeatResponse r) {
            for (TrainAssignment a : r.getAssignmentsList()) {
              if (a.getEvaluateOnly()) {
                if (done.add(a.getTraining() + "/" + a.getRound() + "/evaluate")) {
                  work.submit(() -> evaluate(channel, a));
                }
                continue;
              }
              if (done.add(a.getTraining() + "/" + a.getRound())) {
                assignmentsSeen.incrementAndGet();
                work.submit(() -> train(channel, a));
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            broken.complete(null);
          }

          @Override
          public void onCompleted() {
            broken.complete(null);
          }
        });
        long seq = 0;
        while (!closed && !broken.isDone()) {
          if (!paused) {
            synchronized (hb) {
              hb.onNext(HeartbeatRequest.newBuilder().setSiteName(site).setSessionId(session).setSeq(++seq)
                  .setSentUnixNanos(System.nanoTime()).build());
            }
            heartbeatsSent.incrementAndGet();
          }
          Thread.sleep(heartbeatMs); // the heartbeat period, as an agent keeps it
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // coordinator down or restarting: try again shortly
      } finally {
        channel.shutdownNow();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void train(ManagedChannel channel, TrainAssignment a) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      Iterator<ModelChunk> chunks = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .downloadModel(DownloadModelRequest.newBuilder().setTraining(a.getTraining()).setModelVersion(a.getModelVersion())
              .setSiteName(site).build());
      chunks.forEachRemaining(c -> buf.writeBytes(c.getData().toByteArray()));
      int n = (int) a.getModel().getNumParameters();
      float[] w = UpdateCodec.decode(buf.toByteArray(), UpdateEncoding.F32, n);
      float[] global = w.clone();
      downloaded.putIfAbsent(a.getRound(), global.clone());
      localSeeds.put(a.getRound(), a.getLocal().getSeed());
      for (int i = 0; i < n; i++) {
        w[i] += 0.5f * (target - w[i]);
      }
      Tamper t = tamper;
      if (t == Tamper.SCALED) { // a well-formed update whose change is boosted 50x: only a norm bound sees it
        for (int i = 0; i < n; i++) {
          w[i] = global[i] + 50 * (w[i] - global[i]);
        }
      }
      if (t == Tamper.NAN_WEIGHT) {
        w[n / 2] = Float.NaN;
      }
      if (t == Tamper.WRONG_SHAPE) {
        w = java.util.Arrays.copyOf(w, n + 7);
      }
      boolean sparse = a.getEncoding() == io.fedmesh.proto.federation.v1.Encoding.ENCODING_TOPK;
      int k = sparse ? io.fedmesh.common.codec.SparseDelta.valuesFor(n, a.getTopkFraction()) : 0;
      boolean perTensor = !sparse && (perTensorF16 || t == Tamper.PER_TENSOR_COUNT || t == Tamper.PER_TENSOR_TOPK);
      var layout = io.fedmesh.common.model.TensorLayout.fromProto(a.getModel().getTensorsList());
      List<UpdateEncoding> tensorEncodings = perTensor ? io.fedmesh.common.codec.TensorEncodings.choose(w, layout, UpdateEncoding.F16)
          : List.of();
      byte[] data = sparse ? sparseDelta(global, w, k, t) : perTensor
          ? io.fedmesh.common.codec.TensorEncodings.encode(w, layout, tensorEncodings) : UpdateCodec.encode(w, UpdateEncoding.F32);
      if (t == Tamper.PER_TENSOR_COUNT) {
        tensorEncodings = tensorEncodings.subList(0, tensorEncodings.size() - 1);
      }
      if (t == Tamper.PER_TENSOR_TOPK) {
        tensorEncodings = new java.util.ArrayList<>(tensorEncodings);
        tensorEncodings.set(0, UpdateEncoding.TOPK);
      }
      if (t == Tamper.SPARSE_TOO_MANY) {
        k = n;
        data = java.nio.ByteBuffer.allocate(8 * n).array(); // all zero: indices not ascending either, but the count is refused first
      }
      // federated evaluation: a tenth held out, on which the model the round started from scores heldOutMetric(round)
      long held = a.getLocal().getHoldoutFraction() > 0 ? Math.max(1, Math.round(samples * a.getLocal().getHoldoutFraction())) : 0;
      UpdateHeader h = UpdateHeader.newBuilder().setIdempotencyKey(a.getTraining() + "/" + a.getRound() + "/" + site)
          .setHeldOutSamples(held).setHeldOutMetric(held > 0 ? heldOutMetric(a.getRound()) : 0).setHeldOutLoss(held > 0 ? 0.5 : 0)
          .setTraining(a.getTraining()).setRound(a.getRound()).setSiteName(site).setSessionId(session)
          .setSamples(t == Tamper.HUGE_SAMPLES ? Long.MAX_VALUE : samples - held)
          .setTrainLoss(t == Tamper.NAN_LOSS ? Double.NaN : 1.0 / a.getRound())
          .setLocalMetric(Math.min(1.0, 0.5 + 0.1 * a.getRound()))
          .setEncoding(sparse ? io.fedmesh.proto.federation.v1.Encoding.ENCODING_TOPK : UpdateEncoding.F32.toProto())
          .setSparseValues(k).setBaseModelVersion(t == Tamper.SPARSE_NO_BASE ? "" : a.getModelVersion()).setNumParameters(w.length)
          .setTotalBytes(t == Tamper.HUGE_TOTAL ? 1L << 40 : data.length)
          .addAllTensorEncodings(tensorEncodings.stream().map(UpdateEncoding::toProto).toList()).build();
      if (withhold) {
        done.remove(a.getTraining() + "/" + a.getRound()); // the next heartbeat that still carries it trains again
        return;
      }
      for (int attempt = 0; attempt < 2; attempt++) {
        responses.add(upload(channel, h, data));
      }
    } catch (RuntimeException e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof io.grpc.StatusRuntimeException sre) {
        refusals.add(sre.getStatus().getCode() + ": " + sre.getStatus().getDescription());
      }
      done.remove(a.getTraining() + "/" + a.getRound());
    }
  }

  /** The top-k of {@code trained - global}, spoiled as {@code t} says. */
  private static byte[] sparseDelta(float[] global, float[] trained, int k, Tamper t) {
    float[] delta = new float[trained.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = trained[i] - global[i];
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(io.fedmesh.common.codec.SparseDelta.encode(delta, k))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (t) {
      case SPARSE_UNSORTED -> b.putInt(4, b.getInt(0)); // the second index repeats the first
      case SPARSE_OUT_OF_RANGE -> b.putInt(4 * (k - 1), trained.length);
      case SPARSE_NAN -> b.putFloat(4 * k, Float.NaN);
      default -> { }
    }
    return b.array();
  }

  static UploadUpdateResponse upload(ManagedChannel channel, UpdateHeader h, byte[] data) {
    CompletableFuture<UploadUpdateResponse> f = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = CoordinatorGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
        .uploadUpdate(new StreamObserver<>() {
          @Override
          public void onNext(UploadUpdateResponse r) {
            f.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    // in chunks of 1 MiB, as the agent sends: one message of a large model's size would pass no gRPC limit
    int chunk = 1 << 20;
    for (int from = 0; from == 0 || from < data.length; from += chunk) {
      int len = Math.min(chunk, data.length - from);
      UpdateChunk.Builder c = UpdateChunk.newBuilder().setOffset(from).setData(ByteString.copyFrom(data, from, len))
          .setLast(from + len >= data.length);
      if (from == 0) {
        c.setHeader(h);
      }
      out.onNext(c.build());
    }
    out.onCompleted();
    return f.join();
  }

  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    work.shutdownNow();
  }
}
