package io.fedmesh.edge;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.metrics.MetricsServer;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.edge.data.DataDirectory;
import io.fedmesh.edge.outbox.Outbox;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.edge.training.TrainResult;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.HeartbeatResponse;
import io.fedmesh.proto.federation.v1.LinkQuality;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.RegisterResponse;
import io.fedmesh.proto.federation.v1.Resources;
import io.fedmesh.proto.federation.v1.SiteState;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.fedmesh.proto.federation.v1.UploadUpdateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent at one edge site: registers, keeps a heartbeat stream open (reconnecting with
 * backoff), trains when a round assigns work, and delivers updates through a durable outbox.
 */
public final class EdgeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);
  public static final String VERSION = "0.1.0";
  /** EdgeSite label of a site's role (the operator's FedmeshApi.LABEL_ROLE). */
  public static final String LABEL_ROLE = "fedmesh.io/role";
  /** A cloud-side learner that trains on a training's simulation samples, fetched from the coordinator. */
  public static final String ROLE_SIMULATION_LEARNER = "simulation-learner";

  private final AgentConfig config;
  private final CoordinatorClient client;
  private final Outbox outbox;
  private final DataDirectory data;
  private final DjlTrainer trainer = new DjlTrainer();
  private final MetricsServer metrics;
  private final Counter roundsTrained;
  private final Timer trainTime;
  private final DistributionSummary rttMetric;
  private final ExecutorService work = Executors.newSingleThreadExecutor(r -> daemon(r, "agent-train"));
  /** Assignment keys done in this session (delivered, refused or past deadline). */
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  /** Assignment keys queued or running on the work thread. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** The last few accepted updates and the session they went out in, for a coordinator that lost them. */
  private final Map<String, Delivered> delivered = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Delivered> eldest) {
      return size() > 8;
    }
  });
  /** Counts successful registrations: each is a session, possibly with a restarted coordinator. */
  private final AtomicLong session = new AtomicLong();
  private final AtomicLong seq = new AtomicLong();
  private Thread connector;
  private volatile StreamObserver<HeartbeatRequest> heartbeatStream;
  private volatile boolean closed;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile long lastAckNanos;
  private volatile double rttMs;
  private volatile double bandwidthMbps;
  private volatile long sent;
  private volatile long acked;
  private volatile SiteState state = SiteState.SITE_STATE_READY;
  private volatile String problem = "";
  private volatile TaskKind lastTask;
  private volatile MlpSpec lastSpec;
  private volatile Dataset census;

  private record Delivered(Outbox.Pending update, long session) {}

  public EdgeAgent(AgentConfig config) {
    this.config = config;
    this.client = new CoordinatorClient(config);
    this.outbox = new Outbox(config.workDir().resolve("outbox"));
    this.data = new DataDirectory(config.dataDir(), config.labelColumn());
    this.metrics = MetricsServer.start("0.0.0.0", config.metricsPort());
    var reg = metrics.registry();
    this.roundsTrained = Counter.builder("fedmesh_agent_rounds_trained_total").description("rounds trained locally").register(reg);
    this.trainTime = Timer.builder("fedmesh_agent_train").description("local training time per round").register(reg);
    FunctionCounter.builder("fedmesh_agent_bytes_sent_total", client, CoordinatorClient::bytesSent)
        .description("update bytes uploaded, retries included").register(reg);
    FunctionCounter.builder("fedmesh_agent_bytes_received_total", client, CoordinatorClient::bytesReceived)
        .description("model bytes downloaded, retries included").register(reg);
    this.rttMetric = DistributionSummary.builder("fedmesh_agent_heartbeat_rtt_ms").description("heartbeat round trip").register(reg);
  }

  public EdgeAgent start() {
    refreshDataState();
    connector = new Thread(this::connectLoop, "agent-connect");
    connector.setDaemon(true);
    connector.start();
    return this;
  }

  public SiteState state() {
    return state;
  }

  public String problem() {
    return problem;
  }

  private void connectLoop() {
    long backoffMs = 200;
    while (!closed) {
      try {
        RegisterResponse reg = client.register(registerRequest());
        long intervalMs = Math.max(100, reg.getHeartbeatIntervalMs());
        LOG.info("site {}: registered with {} (session {}, heartbeat every {} ms)", config.site(), config.coordinator(),
            reg.getSessionId(), intervalMs);
        backoffMs = 200;
        session.incrementAndGet();
        // a new session may be a restarted coordinator that lost what it had accepted: anything it
        // still lists as assigned is delivered again (from the cache) or trained again
        finished.clear();
        CountDownLatch broken = new CountDownLatch(1);
        Status[] ended = new Status[1];
        StreamObserver<HeartbeatRequest> stream = client.heartbeats(new StreamObserver<>() {
          @Override
          public void onNext(HeartbeatResponse ack) {
            onAck(ack);
          }

          @Override
          public void onError(Throwable t) {
            ended[0] = Status.fromThrowable(t);
            broken.countDown();
          }

          @Override
          public void onCompleted() {
            broken.countDown();
          }
        });
        heartbeatStream = stream;
        lastAckNanos = System.nanoTime();
        work.execute(this::deliverOutbox);
        while (!closed) {
          refreshDataState();
          sendHeartbeat(stream, reg.getSessionId());
          if (broken.await(intervalMs, TimeUnit.MILLISECONDS)) {
            break;
          }
          if (System.nanoTime() - lastAckNanos > TimeUnit.MILLISECONDS.toNanos(Math.max(5 * intervalMs, 5000))) {
            LOG.warn("site {}: no heartbeat ack for {} ms; reconnecting", config.site(), (System.nanoTime() - lastAckNanos) / 1_000_000);
            synchronized (stream) {
              stream.onError(Status.CANCELLED.withDescription("ack timeout").asRuntimeException());
            }
            break;
          }
        }
        if (!closed && ended[0] != null && ended[0].getCode() == Status.Code.FAILED_PRECONDITION) {
          LOG.warn("site {}: the coordinator does not know session {} (restarted?); registering again", config.site(),
              reg.getSessionId());
        } else if (!closed) {
          LOG.warn("site {}: heartbeat stream ended ({}); reconnecting", config.site(),
              ended[0] == null ? "completed" : ended[0].getCode() + " " + ended[0].getDescription());
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          LOG.error("site {}: the coordinator refused registration: {}", config.site(), e.getStatus().getDescription());
        } else {
          LOG.warn("site {}: coordinator {} unreachable ({}); retrying in {} ms", config.site(), config.coordinator(),
              e.getStatus().getCode(), backoffMs);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (CallNotPermittedException e) {
        LOG.warn("site {}: coordinator {} failed repeatedly; circuit breaker open, retrying in {} ms", config.site(),
            config.coordinator(), backoffMs);
      } catch (RuntimeException e) {
        LOG.warn("site {}: connection failed: {}", config.site(), e.toString());
      }
      sleepQuietly(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
      backoffMs = Math.min(backoffMs * 2, 10_000);
    }
  }

  private void sendHeartbeat(StreamObserver<HeartbeatRequest> stream, String session) {
    long total = Math.max(1, sent);
    double loss = Math.max(0, Math.min(1, (double) (sent - acked - 1) / total));
    Runtime rt = Runtime.getRuntime();
    HeartbeatRequest.Builder hb = HeartbeatRequest.newBuilder()
        .setSiteName(config.site())
        .setSessionId(session)
        .setSeq(seq.incrementAndGet())
        .setSentUnixNanos(unixNanos())
        .setFree(Resources.newBuilder().setCpu(freeCpu()).setMemoryBytes(rt.maxMemory() - rt.totalMemory() + rt.freeMemory())
            .setGpus(config.gpus()))
        .setLink(LinkQuality.newBuilder().setRttMs(rttMs).setBandwidthMbps(bandwidthMbps).setLoss(loss))
        .setState(state)
        .setMessage(problem);
    Dataset c = census;
    if (c != null) {
      hb.addDatasets(dataset(c));
    }
    synchronized (stream) {
      stream.onNext(hb.build());
    }
    sent++;
  }

  /** Declared cores minus the machine's 1-minute load (what another learner could still use). */
  private double freeCpu() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? config.cpu() : Math.max(0, config.cpu() - load);
  }

  private void onAck(HeartbeatResponse ack) {
    lastAckNanos = System.nanoTime();
    acked++;
    if (ack.getEchoSentUnixNanos() > 0) {
      rttMs = Math.max(0, (unixNanos() - ack.getEchoSentUnixNanos()) / 1e6);
      rttMetric.record(rttMs);
    }
    for (TrainAssignment a : ack.getAssignmentsList()) {
      String key = a.getTraining() + "/" + a.getRound() + "/" + config.site();
      // every ack repeats the open assignments: queue each once, and again only if it did not finish
      if (!closed && !finished.contains(key) && inFlight.add(key)) {
        // execute, not submit: a failure must reach the log, never vanish into an unread Future
        work.execute(() -> {
          try {
            handle(a, key);
          } finally {
            inFlight.remove(key);
          }
        });
      }
    }
  }

  /** Delivers what the outbox already holds for an assignment, or trains it. */
  private void handle(TrainAssignment a, String key) {
    try {
      Outbox.Pending pending = outbox.find(key).orElse(null);
      if (pending != null) {
        // trained before, the upload did not get through: send it, never train twice
        deliver(pending);
        finished.add(key);
        return;
      }
      Delivered cached = delivered.get(key);
      if (cached != null && cached.session() == session.get()) {
        // an ack written before the coordinator took the update: nothing is missing
        finished.add(key);
        return;
      }
      if (cached != null) {
        LOG.info("site {}: the coordinator still lists {} after a reconnect; delivering it again", config.site(), key);
        deliver(outbox.put(cached.update().header(), cached.update().data()));
        finished.add(key);
        return;
      }
      if (a.getDeadlineUnixMs() > 0 && System.currentTimeMillis() > a.getDeadlineUnixMs()) {
        LOG.warn("site {}: round {} of {} is past its deadline; not training it", config.site(), a.getRound(), a.getTraining());
        finished.add(key);
        return;
      }
      if (train(a, key)) {
        finished.add(key);
      }
    } catch (StatusRuntimeException e) {
      LOG.warn("site {}: round {} of {} not completed yet: {} {}", config.site(), a.getRound(), a.getTraining(),
          e.getStatus().getCode(), e.getStatus().getDescription());
    } catch (CallNotPermittedException e) {
      LOG.warn("site {}: round {} of {} waits: the coordinator failed repeatedly (circuit breaker open)", config.site(),
          a.getRound(), a.getTraining());
    } catch (RuntimeException | LinkageError e) {
      // a bug or a broken installation (a class missing from the class path): report it once, do
      // not retrain on every heartbeat
      LOG.error("site {}: training for {} failed", config.site(), key, e);
      finished.add(key);
    } finally {
      if (state == SiteState.SITE_STATE_TRAINING) {
        state = SiteState.SITE_STATE_READY;
      }
    }
  }

  /** Downloads, trains and delivers one assignment; false when the local data cannot be used (Degraded). */
  private boolean train(TrainAssignment a, String key) {
    MlpSpec spec = MlpSpec.fromProto(a.getModel());
    lastSpec = spec;
    lastTask = spec.task();
    Dataset d;
    try {
      d = a.getSimulationDataVersion().isEmpty() ? data.load(spec.task()) : simulationData(a, spec);
    } catch (DatasetException e) {
      degrade(e.getMessage());
      return false;
    }
    String mismatch = mismatch(spec, d);
    if (mismatch != null) {
      degrade(mismatch);
      return false;
    }
    state = SiteState.SITE_STATE_TRAINING;
    CoordinatorClient.Downloaded model = client.download(a.getTraining(), a.getModelVersion(), config.site());
    if (model.seconds() > 0) {
      bandwidthMbps = model.f32().length * 8 / model.seconds() / 1e6;
    }
    float[] global = UpdateCodec.decode(model.f32(), UpdateEncoding.F32, (int) spec.parameterCount());
    TrainResult r = trainTime.record(() -> trainer.train(spec, global, d, a.getLocal(), key.hashCode()));
    UpdateEncoding enc = UpdateEncoding.fromProto(a.getEncoding());
    byte[] bytes = UpdateCodec.encode(r.weights(), enc);
    UpdateHeader header = UpdateHeader.newBuilder()
        .setIdempotencyKey(key)
        .setTraining(a.getTraining())
        .setRound(a.getRound())
        .setSiteName(config.site())
        .setBaseModelVersion(a.getModelVersion())
        .setSamples(r.samples())
        .setTrainLoss(r.trainLoss())
        .setLocalMetric(r.localMetric())
        .setEncoding(enc.toProto())
        .setNumParameters(r.weights().length)
        .setTotalBytes(bytes.length)
        .setTrainSeconds(r.seconds())
        .build();
    roundsTrained.increment();
    LOG.info("site {}: trained round {} of {} on {} samples in {} s (loss {}, local {} {})", config.site(), a.getRound(),
        a.getTraining(), r.samples(), String.format("%.2f", r.seconds()), String.format("%.4f", r.trainLoss()),
        spec.task().metricName(), String.format("%.4f", r.localMetric()));
    // durable before it leaves: a failed upload is retried from the outbox, not retrained
    Outbox.Pending stored = outbox.put(header, bytes);
    state = SiteState.SITE_STATE_READY;
    deliver(stored);
    return true;
  }

  private boolean simulationLearner() {
    return ROLE_SIMULATION_LEARNER.equals(config.labels().get(LABEL_ROLE));
  }

  /**
   * The training's simulation samples of the assigned version: from the local cache
   * ({@code <data>/simulation-<version>.csv}) or fetched from the coordinator and cached atomically;
   * older versions are removed.
   */
  private Dataset simulationData(TrainAssignment a, MlpSpec spec) throws DatasetException {
    String version = a.getSimulationDataVersion();
    java.nio.file.Path file = config.dataDir().resolve("simulation-" + version.replaceAll("[^A-Za-z0-9_.-]", "_") + ".csv");
    if (!java.nio.file.Files.exists(file)) {
      byte[] csv = client.fetchSimulationData(a.getTraining(), version, config.site());
      io.fedmesh.common.io.AtomicFiles.write(file, csv);
      LOG.info("site {}: fetched simulation data {} of {} ({} bytes)", config.site(), version, a.getTraining(), csv.length);
      try (var old = java.nio.file.Files.list(config.dataDir())) {
        for (java.nio.file.Path p : old.filter(p -> p.getFileName().toString().startsWith("simulation-") && !p.equals(file)).toList()) {
          java.nio.file.Files.deleteIfExists(p);
        }
      } catch (java.io.IOException e) {
        LOG.warn("site {}: could not remove older simulation data: {}", config.site(), e.getMessage());
      }
    }
    return io.fedmesh.common.data.CsvDatasetReader.read(file, a.getLabelColumn().isEmpty() ? config.labelColumn() : a.getLabelColumn(),
        spec.task());
  }

  private void deliverOutbox() {
    for (Outbox.Pending p : outbox.pending()) {
      try {
        deliver(p);
      } catch (RuntimeException e) {
        LOG.warn("site {}: outbox delivery of {} deferred: {}", config.site(), p.header().getIdempotencyKey(), e.getMessage());
        return;
      }
    }
  }

  private void deliver(Outbox.Pending p) {
    UploadUpdateResponse resp = client.upload(p.header(), p.data());
    if (!resp.getAccepted()) {
      LOG.warn("site {}: update {} refused: {}", config.site(), p.header().getIdempotencyKey(), resp.getMessage());
    } else if (resp.getDuplicate()) {
      LOG.info("site {}: update {} was already delivered", config.site(), p.header().getIdempotencyKey());
    }
    // accepted, duplicate or refused for good: it leaves the outbox, and the last few stay cached
    // in memory in case a restarted coordinator asks for them again
    outbox.remove(p);
    if (resp.getAccepted()) {
      delivered.put(p.header().getIdempotencyKey(), new Delivered(p, session.get()));
    }
  }

  /** Re-reads the data directory when it changed; Degraded while it cannot be used. */
  private void refreshDataState() {
    if (simulationLearner()) {
      return; // its data arrives with each assignment (FetchSimulationData); an empty directory is expected
    }
    try {
      Dataset d = loadCensus();
      census = d;
      String mismatch = lastSpec == null ? null : mismatch(lastSpec, d);
      if (mismatch != null) {
        degrade(mismatch);
      } else if (state == SiteState.SITE_STATE_DEGRADED) {
        LOG.info("site {}: data is usable again; Ready", config.site());
        state = SiteState.SITE_STATE_READY;
        problem = "";
      }
    } catch (DatasetException e) {
      degrade(e.getMessage());
    }
  }

  private Dataset loadCensus() throws DatasetException {
    if (lastTask != null) {
      return data.load(lastTask);
    }
    try {
      return data.load(TaskKind.CLASSIFICATION);
    } catch (DatasetException classification) {
      return data.load(TaskKind.REGRESSION);
    }
  }

  private String mismatch(MlpSpec spec, Dataset d) {
    if (d.features() != spec.inputWidth()) {
      return config.dataDir() + ": the data has " + d.features() + " feature columns " + d.featureNames()
          + " but the model expects " + spec.inputWidth() + " (DistributedModel spec.inputShape); fix the CSV files or the model";
    }
    if (spec.task() == TaskKind.CLASSIFICATION && d.classes() > spec.outputWidth()) {
      return config.dataDir() + ": the data has class labels up to " + (d.classes() - 1) + " but the model has "
          + spec.outputWidth() + " classes (DistributedModel spec.outputShape)";
    }
    return null;
  }

  private void degrade(String message) {
    if (state != SiteState.SITE_STATE_DEGRADED || !message.equals(problem)) {
      LOG.error("site {}: Degraded: {}", config.site(), message);
    }
    problem = message;
    state = SiteState.SITE_STATE_DEGRADED;
  }

  private RegisterRequest registerRequest() {
    RegisterRequest.Builder r = RegisterRequest.newBuilder()
        .setSiteName(config.site())
        .setBootstrapToken(config.token() == null ? "" : config.token())
        .setNamespace(config.namespace() == null ? "" : config.namespace())
        .setRegion(config.region() == null ? "" : config.region())
        .putAllLabels(config.labels())
        .setCapacity(Resources.newBuilder().setCpu(config.cpu()).setMemoryBytes(config.memoryMiB() * 1024 * 1024).setGpus(config.gpus()))
        .setAgentVersion(VERSION);
    Dataset c = census;
    if (c != null) {
      r.addDatasets(dataset(c));
    }
    return r.build();
  }

  private static io.fedmesh.proto.federation.v1.Dataset dataset(Dataset d) {
    return io.fedmesh.proto.federation.v1.Dataset.newBuilder().setName("local").setSamples(d.rows()).setFeatures(d.features())
        .setClasses(d.classes()).build();
  }

  private static long unixNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.setUncaughtExceptionHandler((thread, e) -> LOG.error("{} stopped by an unexpected failure", thread.getName(), e));
    return t;
  }

  /** The agent's meters (also served on --metrics-port). */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** Pending outbox entries (for tests and status). */
  public List<Outbox.Pending> pendingUpdates() {
    return outbox.pending();
  }

  /** Ends the heartbeat stream politely, stops training and the connection; safe to call twice. */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    StreamObserver<HeartbeatRequest> stream = heartbeatStream;
    if (stream != null) {
      try {
        synchronized (stream) {
          stream.onCompleted();
        }
      } catch (RuntimeException alreadyBroken) {
        LOG.debug("site {}: heartbeat stream already closed", config.site());
      }
    }
    if (connector != null) {
      connector.interrupt();
    }
    work.shutdownNow();
    client.close();
    metrics.close();
    LOG.info("site {}: agent stopped", config.site());
  }
}
