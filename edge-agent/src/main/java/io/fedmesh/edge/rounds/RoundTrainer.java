package io.fedmesh.edge.rounds;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
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
  private final Counter roundsTrained;
  private final Timer trainTime;

  public RoundTrainer(String site, String defaultLabelColumn, CoordinatorClient client, DataDirectory data,
      SimulationDataCache simulation, SiteHealth health, LinkMonitor link, Outbox outbox, UpdateDelivery delivery,
      MeterRegistry registry) {
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
    link.downloaded(model.f32().length, model.seconds());
    float[] global = UpdateCodec.decode(model.f32(), UpdateEncoding.F32, (int) spec.parameterCount());
    TrainResult r = trainTime.record(() -> trainer.train(spec, global, d, a.getLocal(), localSeed(a.getLocal().getSeed(), key)));
    UpdateEncoding asked = UpdateEncoding.fromProto(a.getEncoding());
    UpdateEncoding enc = io.fedmesh.common.codec.EncodingFallback.forValues(r.weights(), asked);
    if (enc != asked) {
      LOG.warn("site {}: round {} of {}: the weights do not fit {} (they would overflow to infinity); sending {} instead", site,
          a.getRound(), a.getTraining(), asked, enc);
    }
    byte[] bytes = UpdateCodec.encode(r.weights(), enc);
    roundsTrained.increment();
    LOG.info("site {}: trained round {} of {} on {} samples in {} s (loss {}, local {} {})", site, a.getRound(),
        a.getTraining(), r.samples(), String.format("%.2f", r.seconds()), String.format("%.4f", r.trainLoss()),
        spec.task().metricName(), String.format("%.4f", r.localMetric()));
    // durable before it leaves: a failed upload is retried from the outbox, not retrained
    double work = (System.nanoTime() - receivedNanos) / 1e9; // queue, data, download, training: the coordinator adds the upload
    Outbox.Pending stored = outbox.put(header(a, key, r, enc, bytes.length, work), bytes);
    health.trainingEnded();
    delivery.deliver(stored);
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
