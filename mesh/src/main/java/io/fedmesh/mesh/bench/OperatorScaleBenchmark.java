package io.fedmesh.mesh.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator under many sites and trainings: the embedded API server, the real operator
 * (reconcilers, coordinator on loopback gRPC, status owners), N sites heartbeating through the
 * coordinator ({@link SimulatedSites}) and T FederatedTrainings running rounds at once. It prints
 * what each round costs the API server, the reconcile latency, the operator's heap, the status
 * facts that did not survive (checked, not assumed) and the time a round adds beyond its sites'
 * work. A first run at {@code --baseline-sites} gives the growth.
 */
@Command(name = "operator-scale", mixinStandardHelpOptions = true,
    description = "N sites heartbeating through the real coordinator and T trainings running rounds at once, on the embedded API"
        + " server: reconcile p99, operator heap, API requests per round, lost status writes, round overhead.")
public final class OperatorScaleBenchmark implements Callable<Integer> {
  private static final String NS = "bench";
  private static final String OPERATOR_AGENT = "fedmesh-operator-bench";

  @Option(names = "--sites", defaultValue = "2000", description = "Sites (default: ${DEFAULT-VALUE}).")
  int sites;

  @Option(names = "--trainings", defaultValue = "200", description = "Concurrent FederatedTrainings (default: ${DEFAULT-VALUE}).")
  int trainings;

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds per training (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--per-round", defaultValue = "10", description = "Sites selected per round (maxSites) (default: ${DEFAULT-VALUE}).")
  int perRound;

  @Option(names = "--baseline-sites", defaultValue = "200",
      description = "Sites of the first, baseline run (0: none) (default: ${DEFAULT-VALUE}).")
  int baselineSites;

  @Option(names = "--heartbeat", defaultValue = "2", description = "Heartbeat interval in seconds, the operator's default (default: ${DEFAULT-VALUE}).")
  int heartbeatSeconds;

  /** One run's figures. */
  record Figures(int sites, int trainings, double reconcileP50Ms, double reconcileP99Ms, double reconcileMaxMs, double apiWriteP50Ms,
      double apiWriteP99Ms, double heapMb, double apiPerRound, double siteWritesPerRound, long lost, double overheadMedianMs,
      double seconds, long rounds, String requests) {}

  @Override
  public Integer call() throws Exception {
    String bad = problem();
    if (bad != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), bad);
    }
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN); // one line per run, not per round
      ctx.getLogger("io.fabric8.kubernetes.client.utils.internal.VersionUsageUtils").setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    Figures base = null;
    if (baselineSites > 0) {
      base = run(baselineSites);
      print(base);
    }
    Figures f = run(sites);
    print(f);
    StringBuilder line = new StringBuilder(String.format(
        "RESULT operator_scale sites=%d trainings=%d reconcile_p99_ms=%.1f heap_mb=%.0f api_requests_per_round=%.2f lost_status_writes=%d"
            + " round_overhead_ms=%.1f", f.sites, f.trainings, f.reconcileP99Ms, f.heapMb, f.apiPerRound, f.lost, f.overheadMedianMs));
    if (base != null) {
      line.append(String.format(" baseline_sites=%d baseline_api_requests_per_round=%.2f requests_growth=%.2f", base.sites,
          base.apiPerRound, f.apiPerRound / base.apiPerRound));
    }
    System.out.println(line);
    return f.lost == 0 ? 0 : 1;
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** What is wrong with the options, naming the option and the fix, or null. */
  String problem() {
    if (perRound < 1) {
      return "--per-round must be at least 1 (got " + perRound + ")";
    }
    if (sites < perRound) {
      return "--sites (" + sites + ") must be at least --per-round (" + perRound + "): a round selects that many sites";
    }
    if (baselineSites != 0 && baselineSites < perRound) {
      return "--baseline-sites (" + baselineSites + ") must be 0 (no baseline) or at least --per-round (" + perRound + ")";
    }
    if (trainings < 1 || rounds < 1 || heartbeatSeconds < 1) {
      return "--trainings, --rounds and --heartbeat must be at least 1";
    }
    return null;
  }

  private static void print(Figures f) {
    System.out.printf("operator-scale: %d sites, %d trainings, %d rounds in %.1f s: reconcile p50 %.1f ms, p99 %.1f ms (max %.1f);"
            + " the API server's own time per operator write p50 %.1f ms, p99 %.1f ms; heap (whole process, upper bound) %.0f MB;"
            + " %.2f API requests per round (+%.2f EdgeSite status writes per round); %d lost status writes; median round overhead"
            + " %.1f ms%n  operator requests in the run: %s%n", f.sites, f.trainings, f.rounds, f.seconds, f.reconcileP50Ms, f.reconcileP99Ms,
        f.reconcileMaxMs, f.apiWriteP50Ms, f.apiWriteP99Ms, f.heapMb, f.apiPerRound, f.siteWritesPerRound, f.lost, f.overheadMedianMs,
        f.requests);
  }

  private Figures run(int n) throws Exception {
    RequestCounter counter = new RequestCounter(OPERATOR_AGENT);
    Path checkpoints = Files.createTempDirectory("fedmesh-bench-scale");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(counter);
         KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(cluster.url())
             .withUserAgent(OPERATOR_AGENT).withRequestTimeout(60_000).withMaxConcurrentRequests(256)
             .withMaxConcurrentRequestsPerHost(256).build()).build()) {
      KubernetesClient driver = cluster.client();
      Duration interval = Duration.ofSeconds(heartbeatSeconds);
      OperatorConfig config = new OperatorConfig(NS, false, new HostPort("127.0.0.1", 0), checkpoints, interval,
          Duration.ofSeconds(15), null, null, -1, false);
      FedmeshOperator op = FedmeshOperator.start(operatorClient, config);
      int models = Math.max(1, trainings / 10);
      for (int m = 0; m < models; m++) {
        driver.resource(model("bench-mlp-" + m)).create();
      }
      SimulatedSites fleet = new SimulatedSites(op.coordinatorPort(), 4);
      try {
        registerAll(fleet, n, interval);
        await(() -> readySites(driver) >= n, Duration.ofMinutes(3), "all " + n + " EdgeSites Ready");
        Map<String, Long> before = counter.snapshot();
        int writesBefore = counter.writes();
        Instant t0 = Instant.now();
        for (int k = 0; k < trainings; k++) {
          driver.resource(training("ft-" + k, "bench-mlp-" + (k % models))).create();
        }
        await(() -> finished(driver) >= trainings, Duration.ofMinutes(15), "all " + trainings + " trainings finished");
        double seconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        // read at once: the timer's percentiles cover a sliding window of the last minutes
        var timer = op.meterRegistry().find("fedmesh_reconcile").tag("kind", "FederatedTraining").timer();
        double p99 = 0;
        double p50 = 0;
        for (var v : timer.takeSnapshot().percentileValues()) {
          if (v.percentile() == 0.99) {
            p99 = v.value(TimeUnit.MILLISECONDS);
          } else if (v.percentile() == 0.5) {
            p50 = v.value(TimeUnit.MILLISECONDS);
          }
        }
        double max = timer.max(TimeUnit.MILLISECONDS);
        // what the rounds handed to writer threads belongs to them: wait for it before counting
        await(() -> op.context().modelVersions().backlog() == 0 && op.context().events().backlog() == 0
            && op.context().trainingStatus().backlog() == 0, Duration.ofSeconds(60), "statuses, model versions and events to be written");
        Map<String, Long> after = counter.snapshot();
        fleet.pause(); // heartbeats stop, so the writer can drain what it holds back (sites go Offline only after 15 s)
        await(() -> op.context().siteStatus().backlog() == 0, Duration.ofSeconds(60), "the EdgeSite status writer to drain");
        long lost = StatusAudit.lost(driver, op, NS, n, trainings, rounds);
        List<FederatedTraining> done = driver.resources(FederatedTraining.class).inNamespace(NS).list().getItems();
        long roundsDone = done.stream().mapToLong(t -> t.getStatus().round == null ? 0 : t.getStatus().round).sum();
        List<Double> overheads = new ArrayList<>();
        done.forEach(t -> t.getStatus().history.stream().filter(h -> h.overheadSeconds != null).forEach(h -> overheads.add(h.overheadSeconds)));
        long siteWrites = RequestCounter.between(before, after, "edgesites");
        long apiRequests = RequestCounter.between(before, after, null) - siteWrites;
        // the whole process: operator, API server and the simulated sites; an upper bound of the operator's heap
        double heap = usedHeapMb();
        op.close();
        Map<String, Long> window = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0) {
            window.put(k, d);
          }
        });
        return new Figures(n, trainings, p50, p99, max, counter.writeMillis(0.5, writesBefore), counter.writeMillis(0.99, writesBefore), heap, apiRequests / (double) roundsDone, siteWrites / (double) roundsDone, lost,
            median(overheads) * 1000, seconds, roundsDone, window.toString());
      } finally {
        fleet.close();
      }
    } finally {
      deleteTree(checkpoints);
    }
  }

  private static void registerAll(SimulatedSites fleet, int n, Duration interval) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < n; i++) {
      int index = i;
      pool.execute(() -> fleet.start(NS, "site-" + index, index, interval));
    }
    pool.shutdown();
    if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("registering " + n + " sites took over 5 minutes");
    }
  }

  private static long readySites(KubernetesClient c) {
    return c.resources(EdgeSite.class).inNamespace(NS).list().getItems().stream()
        .filter(s -> s.getStatus() != null && s.getStatus().phase == EdgeSiteStatus.Phase.Ready).count();
  }

  private static long finished(KubernetesClient c) {
    return c.resources(FederatedTraining.class).inNamespace(NS).list().getItems().stream()
        .filter(t -> t.getStatus() != null && (t.getStatus().phase == FederatedTrainingStatus.Phase.Succeeded
            || t.getStatus().phase == FederatedTrainingStatus.Phase.Failed)).count();
  }

  /** Polls a condition once a second (the benchmark's driver, not a test). */
  private static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
    Instant end = Instant.now().plus(limit);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new IllegalStateException("timed out after " + limit.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(1000);
    }
  }

  private static DistributedModel model(String name) {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    DistributedModelSpec s = new DistributedModelSpec();
    s.inputShape = List.of(8);
    s.outputShape = List.of(3);
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(16);
    dm.setSpec(s);
    return dm;
  }

  private FederatedTraining training(String name, String model) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = model;
    s.rounds = rounds;
    s.participants.minSites = perRound;
    s.participants.maxSites = perRound;
    s.roundDeadline.initialSeconds = 120;
    s.roundDeadline.adaptive = false;
    ft.setSpec(s);
    return ft;
  }

  private static double usedHeapMb() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    int m = v.size();
    return m % 2 == 1 ? v.get(m / 2) : (v.get(m / 2 - 1) + v.get(m / 2)) / 2;
  }
}
