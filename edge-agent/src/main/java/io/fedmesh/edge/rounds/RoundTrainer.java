package io.fedmesh.edge.rounds;

import io.fedmesh.common.codec.SparseDelta;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.training.HoldoutSplit;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.edge.data.DataDirectory;
import io.fedmesh.edge.data.SimulationDataCache;
import io.fedmesh.edge.health.SiteHealth;
import io.fedmesh.edge.link.LinkMonitor;
import io.fedmesh.edge.outbox.Outbox;
import io.fedmesh.edge.outbox.UpdateDelivery;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.edge.training.TrainResult;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One round at this site: the data, the global model, local DJL training, and the update delivered. */
public final class RoundTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(RoundTrainer.class);

  private final String site;
  private final String defaultLabelColumn;
  private final CoordinatorClient client;
  private final DataDirectory data;
  private final SimulationDataCache simulation;
  private final SiteHealth health;
  private final LinkMonitor link;
  private final Outbox outbox;
  private final UpdateDelivery delivery;
  private final DjlTrainer trainer = new DjlTrainer();
  private final ErrorFeedback errorFeedback = new ErrorFeedback();
  private final io.fedmesh.edge.link.ComputeMonitor compute;
  private final io.fedmesh.edge.training.ComputeSlowdown slowdown;
  private final Counter roundsTrained;
  private final Timer trainTime;

  public RoundTrainer(String site, String defaultLabelColumn, CoordinatorClient client, DataDirectory data,
      SimulationDataCache simulation, SiteHealth health, LinkMonitor link, Outbox outbox, UpdateDelivery delivery,
      MeterRegistry registry) {
    this(site, defaultLabelColumn, client, data, simulation, health, link, outbox, delivery, registry,
        new io.fedmesh.edge.link.ComputeMonitor(), io.fedmesh.edge.training.ComputeSlowdown.NONE);
  }

  /** With the site's compute rate measured into {@code compute} and its training slowed by {@code slowdown}. */
  public RoundTrainer(String site, String defaultLabelColumn, CoordinatorClient client, DataDirectory data,
      SimulationDataCache simulation, SiteHealth health, LinkMonitor link, Outbox outbox, UpdateDelivery delivery,
      MeterRegistry registry, io.fedmesh.edge.link.ComputeMonitor compute, io.fedmesh.edge.training.ComputeSlowdown slowdown) {
    this.compute = compute;
    this.slowdown = slowdown;
    this.site = site;
    this.defaultLabelColumn = defaultLabelColumn;
    this.client = client;
    this.data = data;
    this.simulation = simulation;
    this.health = health;
    this.link = link;
    this.outbox = outbox;
    this.delivery = delivery;
    this.roundsTrained = Counter.builder("fedmesh_agent_rounds_trained_total").description("rounds trained locally").register(registry);
    this.trainTime = Timer.builder("fedmesh_agent_train").description("local training time per round").register(registry);
  }

  /**
   * Downloads, trains and delivers one assignment received at {@code receivedNanos}; false when the
   * local data cannot be used (Degraded).
   */
  public boolean train(TrainAssignment a, String key, long receivedNanos) {
    ModelDescription spec = ModelDescription.fromProto(a.getModel());
    Dataset d = health.usableFor(spec, () -> a.getSimulationDataVersion().isEmpty()
        ? data.load(spec.task())
        : simulation.load(a.getTraining(), a.getSimulationDataVersion(),
            a.getLabelColumn().isEmpty() ? defaultLabelColumn : a.getLabelColumn(), spec.task()));
    if (d == null) {
      return false;
    }
    health.trainingStarted();
    CoordinatorClient.Downloaded model = client.download(a.getTraining(), a.getModelVersion(), site);
    if (model.wireBytes() > 0) { // a confirmed copy moved no bytes: no throughput sample; a patch its own size
      link.downloaded(model.wireBytes(), model.seconds());
    }
    float[] global = UpdateCodec.decode(model.f32(), UpdateEncoding.F32, (int) spec.parameterCount());
    // federated evaluation: the global model on the samples this site never trains on, before it trains
    double holdout = a.getLocal().getHoldoutFraction();
    HoldoutSplit split = holdout > 0 && d.rows() > 1 ? HoldoutSplit.of(d, holdout, HoldoutSplit.splitSeed(a.getLocal().getSeed(), site)) : null;
    Evaluation heldOut = split == null ? null : ModelEvaluator.evaluate(spec, global, split.heldOut());
    Dataset trainOn = split == null ? d : split.train();
    TrainResult r = trainTime.record(() -> slowdown.train(
        () -> trainer.train(spec, global, trainOn, a.getLocal(), localSeed(a.getLocal().getSeed(), key))));
    long trainedSamples = r.samples() * Math.max(1, a.getLocal().getEpochs());
    compute.trained(trainedSamples, r.seconds());
    UpdateEncoding asked = UpdateEncoding.fromProto(a.getEncoding());
    ErrorFeedback.Sparse sparse = asked == UpdateEncoding.TOPK ? errorFeedback.encode(a.getTraining(), global, r.weights(),
        SparseDelta.valuesFor(r.weights().length, a.getTopkFraction())) : null;
    // a dense fp16 or int8 update goes tensor by tensor: each tensor quantised over its own range, small ones kept fp32
    java.util.List<UpdateEncoding> perTensor = asked != UpdateEncoding.F32 && !asked.isDelta() && spec.layout() != null
        && spec.layout().parameterCount() == r.weights().length
        ? io.fedmesh.common.codec.TensorEncodings.choose(r.weights(), spec.layout(), asked) : null;
    UpdateEncoding enc = asked == UpdateEncoding.TOPK ? (sparse == null ? UpdateEncoding.F32 : UpdateEncoding.TOPK)
        : perTensor != null ? asked : io.fedmesh.common.codec.EncodingFallback.forValues(r.weights(), asked);
    if (enc != asked) {
      LOG.warn("site {}: round {} of {}: the weights do not fit {} (they would overflow to infinity); sending {} instead", site,
          a.getRound(), a.getTraining(), asked, enc);
    }
    byte[] bytes = sparse != null ? sparse.bytes() : perTensor != null
        ? io.fedmesh.common.codec.TensorEncodings.encode(r.weights(), spec.layout(), perTensor) : UpdateCodec.encode(r.weights(), enc);
    roundsTrained.increment();
    LOG.info("site {}: trained round {} of {} on {} samples in {} s (loss {}, local {} {})", site, a.getRound(),
        a.getTraining(), r.samples(), String.format("%.2f", r.seconds()), String.format("%.4f", r.trainLoss()),
        spec.task().metricName(), String.format("%.4f", r.localMetric()));
    // durable before it leaves: a failed upload is retried from the outbox, not retrained
    double work = (System.nanoTime() - receivedNanos) / 1e9; // queue, data, download, training: the coordinator adds the upload
    UpdateHeader.Builder header = header(a, key, r, enc, bytes.length, work).toBuilder().setTrainedSamples(trainedSamples)
        .setSparseValues(sparse == null ? 0 : sparse.values());
    if (perTensor != null) {
      perTensor.forEach(e -> header.addTensorEncodings(e.toProto()));
    }
    if (heldOut != null) {
      header.setHeldOutMetric(heldOut.metric()).setHeldOutLoss(heldOut.loss()).setHeldOutSamples(heldOut.samples());
      LOG.info("site {}: global model {} on its {} held-out samples: {} {}", site, a.getModelVersion(), heldOut.samples(),
          spec.task().metricName(), String.format("%.4f", heldOut.metric()));
    }
    Outbox.Pending stored = outbox.put(header.build(), bytes);
    health.trainingEnded();
    long uploadStart = System.nanoTime();
    delivery.deliver(stored); // a failed upload throws: no throughput sample from it
    link.uploaded(bytes.length, (System.nanoTime() - uploadStart) / 1e9);
    return true;
  }

  /** The training's seed mixed with training/round/site: each site and round shuffles differently, the same in every run. */
  static long localSeed(long trainingSeed, String key) {
    return trainingSeed == 0 ? key.hashCode() : trainingSeed * 0x9E3779B97F4A7C15L + key.hashCode();
  }

  private UpdateHeader header(TrainAssignment a, String key, TrainResult r, UpdateEncoding enc, int totalBytes, double work) {
    return UpdateHeader.newBuilder()
        .setIdempotencyKey(key)
        .setTraining(a.getTraining())
        .setRound(a.getRound())
        .setSiteName(site)
        .setBaseModelVersion(a.getModelVersion())
        .setSamples(r.samples())
        .setTrainLoss(r.trainLoss())
        .setLocalMetric(r.localMetric())
        .setEncoding(enc.toProto())
        .setNumParameters(r.weights().length)
        .setTotalBytes(totalBytes)
        .setTrainSeconds(r.seconds())
        .setReceivedToUploadSeconds(work)
        .build();
  }
}
