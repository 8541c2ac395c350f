package io.fedmesh.edge;

import io.fedmesh.common.metrics.MetricsServer;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.edge.data.DataDirectory;
import io.fedmesh.edge.data.SimulationDataCache;
import io.fedmesh.edge.health.SiteHealth;
import io.fedmesh.edge.link.LinkMonitor;
import io.fedmesh.edge.outbox.Outbox;
import io.fedmesh.edge.outbox.UpdateDelivery;
import io.fedmesh.edge.rounds.AssignmentLedger;
import io.fedmesh.edge.rounds.AssignmentRunner;
import io.fedmesh.edge.rounds.RoundTrainer;
import io.fedmesh.edge.rounds.VersionEvaluation;
import io.fedmesh.edge.session.CoordinatorSession;
import io.fedmesh.edge.session.SiteReport;
import io.fedmesh.proto.federation.v1.SiteState;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent at one edge site, assembled from its parts: the coordinator session (register,
 * heartbeats, reconnects), the site's health, the link measurements, the rounds it trains and
 * delivers through a durable outbox, and the model versions it evaluates.
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
  private final MetricsServer metrics;
  private final SiteHealth health;
  private final AssignmentRunner runner;
  private final CoordinatorSession session;
  private final io.fedmesh.edge.serving.ServedModels served = new io.fedmesh.edge.serving.ServedModels();
  private final io.fedmesh.edge.serving.InferenceServer inference;
  private final io.fedmesh.edge.serving.SiteServing serving;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public EdgeAgent(AgentConfig config) {
    this(config, io.fedmesh.edge.training.ComputeSlowdown.NONE);
  }

  /** An agent whose local training is slowed by {@code slowdown} (an emulated slower site; see ComputeSlowdown). */
  public EdgeAgent(AgentConfig config, io.fedmesh.edge.training.ComputeSlowdown slowdown) {
    this.config = config;
    this.client = new CoordinatorClient(config);
    this.outbox = new Outbox(config.workDir().resolve("outbox"));
    this.metrics = MetricsServer.start("0.0.0.0", config.metricsPort());
    MeterRegistry registry = metrics.registry();
    FunctionCounter.builder("fedmesh_agent_bytes_sent_total", client, CoordinatorClient::bytesSent)
        .description("update bytes uploaded, retries included").register(registry);
    FunctionCounter.builder("fedmesh_agent_bytes_received_total", client, CoordinatorClient::bytesReceived)
        .description("model bytes downloaded, retries included").register(registry);

    DataDirectory data = new DataDirectory(config.dataDir(), config.labelColumn());
    boolean simulationLearner = ROLE_SIMULATION_LEARNER.equals(config.labels().get(LABEL_ROLE));
    this.health = new SiteHealth(config.site(), config.dataDir(), data, simulationLearner);
    LinkMonitor link = new LinkMonitor(registry);
    io.fedmesh.edge.link.ComputeMonitor compute = new io.fedmesh.edge.link.ComputeMonitor();
    AssignmentLedger ledger = new AssignmentLedger();
    UpdateDelivery delivery = new UpdateDelivery(client, outbox, config.site(), ledger::delivered);
    RoundTrainer trainer = new RoundTrainer(config.site(), config.labelColumn(), client, data,
        new SimulationDataCache(client, config.dataDir(), config.site()), health, link, outbox, delivery, registry,
        compute, slowdown);
    VersionEvaluation evaluation = new VersionEvaluation(config.site(), client, data, health, link);
    this.runner = new AssignmentRunner(config.site(), ledger, outbox, delivery, trainer, evaluation, health);
    this.inference = config.servePort() < 0 ? null
        : io.fedmesh.edge.serving.InferenceServer.start("0.0.0.0", config.servePort(), config.tls(), served);
    this.serving = new io.fedmesh.edge.serving.SiteServing(config.site(), client, served, inference == null ? -1 : inference.port());
    SiteReport report = new SiteReport(config, VERSION, health, link, compute);
    report.reportServing(serving::states);
    this.session = new CoordinatorSession(config.site(), config.coordinator(), client,
        report, link, new CoordinatorSession.Listener() {
          @Override
          public void sessionStarted() {
            runner.sessionStarted();
          }

          @Override
          public void beforeHeartbeat() {
            health.refresh();
          }

          @Override
          public void assignments(List<TrainAssignment> assignments) {
            runner.offer(assignments);
          }

          @Override
          public void serve(List<io.fedmesh.proto.federation.v1.ServeModel> models) {
            serving.wanted(models);
          }
        });
  }

  public EdgeAgent start() {
    health.refresh(); // the registration already carries the site's data
    session.start();
    return this;
  }

  public SiteState state() {
    return health.state();
  }

  public String problem() {
    return health.problem();
  }

  /** The agent's meters (also served on --metrics-port). */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The port /metrics is served on (--metrics-port 0: a free one), -1 when off. */
  public int metricsPort() {
    return metrics.port();
  }

  /** The port of the Open Inference Protocol (--serve-port 0: a free one), -1 when the agent serves nothing. */
  public int servePort() {
    return inference == null ? -1 : inference.port();
  }

  /** The models served now, by name. */
  public io.fedmesh.edge.serving.ServedModels served() {
    return served;
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
    session.close();
    runner.close();
    if (inference != null) {
      inference.close();
    }
    serving.close();
    client.close();
    metrics.close();
    LOG.info("site {}: agent stopped", config.site());
  }
}
