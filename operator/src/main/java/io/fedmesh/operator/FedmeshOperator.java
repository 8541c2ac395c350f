package io.fedmesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.common.metrics.MetricsServer;
import io.fedmesh.operator.coordinator.CoordinatorService;
import io.fedmesh.operator.coordinator.EdgeSiteMirror;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.SiteLivenessMonitor;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running operator: reconcilers (Java Operator SDK), the federation coordinator (gRPC), the
 * site liveness monitor and the metrics endpoint. {@link #close()} stops all of it.
 */
public final class FedmeshOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FedmeshOperator.class);
  static final int RECONCILE_THREADS = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());

  private final Operator operator;
  private final GrpcServerRunner coordinator;
  private final SiteLivenessMonitor liveness;
  private final MetricsServer metrics;
  private final OperatorContext context;
  private final CoordinatorService service;

  private FedmeshOperator(Operator operator, GrpcServerRunner coordinator, CoordinatorService service, SiteLivenessMonitor liveness,
      MetricsServer metrics, OperatorContext context) {
    this.service = service;
    this.operator = operator;
    this.coordinator = coordinator;
    this.liveness = liveness;
    this.metrics = metrics;
    this.context = context;
  }

  public static FedmeshOperator start(KubernetesClient client, OperatorConfig config) {
    MetricsServer metrics = MetricsServer.start("0.0.0.0", config.metricsPort());
    OperatorContext ctx = OperatorContext.create(client, config, new OperatorMetrics(metrics.registry()));
    Federation federation = ctx.federation();
    EdgeSiteMirror mirror = new EdgeSiteMirror(client, ctx.events(), ctx.siteStatus(), ctx.sites()::get);
    CoordinatorService service = new CoordinatorService(federation, mirror, config.namespace(), config.watchAllNamespaces(),
        config.bootstrapToken(), config.heartbeatInterval(), metrics.registry());
    GrpcServerRunner grpc = GrpcServerRunner.start("coordinator", config.coordinatorListen(), config.tls(), List.of(service), PeerIdentity.Kind.SITE);
    SiteLivenessMonitor liveness = new SiteLivenessMonitor(ctx.sites()::all, federation, mirror, config.heartbeatTimeout(),
        metrics.registry());
    // With leader election only the leader coordinates: a standby reports NOT_SERVING (the gRPC
    // readiness probe keeps agents on the leader) and neither accepts agents nor judges liveness.
    LeaderPodLabel podLabel = config.leaderElection() ? LeaderPodLabel.fromEnvironment(client) : null;
    Runnable lead = () -> {
      if (podLabel != null) {
        podLabel.lead();
      }
      service.setLeading(true);
      grpc.health().setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
      liveness.start();
      LOG.info("leading: coordinating federation rounds");
    };
    if (config.leaderElection()) {
      if (podLabel != null) {
        podLabel.standBy();
      }
      service.setLeading(false);
      grpc.health().setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);
    } else {
      lead.run();
    }

    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(true)
          // a reconcile is short (one step, then the next event): a few threads per core keep its
          // latency low, where JOSDK's default of 200 would time-slice them all on a small node
          .withConcurrentReconciliationThreads(RECONCILE_THREADS);
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration("fedmesh-operator-leader", config.namespace(),
            java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(2), null,
            new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(lead, () -> { }, leader -> { }), true));
      }
    });
    Reconcilers.registerAll(operator, ctx, config);
    operator.start();
    ctx.wakeups().wakeUnfinished(config.watchAllNamespaces()
        ? client.resources(io.fedmesh.api.v1alpha1.FederatedTraining.class).inAnyNamespace().list().getItems()
        : client.resources(io.fedmesh.api.v1alpha1.FederatedTraining.class).inNamespace(config.namespace()).list().getItems());
    LOG.info("fedmesh operator started: coordinator on port {}, checkpoints in {}, metrics port {}", grpc.port(),
        config.checkpointDir(), metrics.port());
    return new FedmeshOperator(operator, grpc, service, liveness, metrics, ctx);
  }

  public int coordinatorPort() {
    return coordinator.port();
  }

  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  public int metricsPort() {
    return metrics.port();
  }

  public OperatorContext context() {
    return context;
  }

  @Override
  public void close() {
    long t0 = System.nanoTime();
    context.rounds().endAll();
    liveness.close();
    // end agents' streams first so the coordinator drains at once; they reconnect by themselves
    service.closeStreams();
    coordinator.close();
    long t1 = System.nanoTime();
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("operator stop: {}", e.getMessage());
    }
    metrics.close();
    context.close();
    LOG.info("fedmesh operator stopped (coordinator {} ms, reconcilers {} ms)", (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
  }

}
