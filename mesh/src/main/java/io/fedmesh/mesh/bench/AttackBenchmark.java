package io.fedmesh.mesh.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.grpc.GrpcServerRunner;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.security.MutualTls;
import io.fedmesh.common.security.PeerIdentity;
import io.fedmesh.hpc.engine.LocalProcessLauncher;
import io.fedmesh.hpc.grpc.HpcBridgeService;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;

/**
 * `fedmesh bench attacks`: a coordinator and a bridge with their default settings (mutual TLS, the
 * operator's own validation), an honest training on three sites, and a fourth site in its cohort
 * that attacks, with outsiders trying their own ways in ({@link AttackCatalog}). It prints a line
 * per attack and how it ended, then whether any honest update was lost and whether the training
 * failed. The figure is absolute, not a ratio: every attack must be refused.
 */
@Command(name = "attacks", mixinStandardHelpOptions = true,
    description = "Every attack of the trust model against a coordinator and bridge on their defaults, during an honest training:"
        + " a line per attack, then RESULT attacks tried=N rejected=N lost_updates=N trainings_failed=N.")
public final class AttackBenchmark implements Callable<Integer> {
  static final String TRAINING = "guarded";
  static final List<String> HONEST = List.of("site-0", "site-1", "site-2");
  static final String MALLORY = "mallory";
  /**
   * Cohort members that each send one kind of bad update: after its first refusal a site is no
   * longer expected in the round, so each check is tried by a site it is the first to refuse.
   */
  static final List<String> SPOILERS = List.of("wrong-shape", "nan-weight", "int8-nan-scale", "huge-sample-count",
      "samples-above-dataset", "nan-loss", "oversized-total-bytes", "lying-total-bytes", "huge-norm");

  static List<String> attackers() {
    List<String> all = new java.util.ArrayList<>(List.of(MALLORY));
    SPOILERS.forEach(s -> all.add("m-" + s));
    return all;
  }

  @picocli.CommandLine.Option(names = "--round-deadline", defaultValue = "20",
      description = "Seconds a round waits for the attackers that never deliver (default: ${DEFAULT-VALUE}).")
  int roundDeadlineSeconds = 20;

  /** What a run found: every attack's outcome, and whether an honest update or the training was lost. */
  public record Result(List<AttackCatalog.Outcome> outcomes, long rejected, long lostUpdates, int trainingsFailed) {
    public boolean allRejected() {
      return rejected == outcomes.size() && lostUpdates == 0 && trainingsFailed == 0;
    }
  }

  @Override
  public Integer call() throws Exception {
    return run().allRejected() ? 0 : 1;
  }

  /** Runs every attack once and prints a line per attack and the RESULT line. */
  public Result run() throws Exception {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.ERROR); // refusals log WARN lines by design
    }
    Path dir = Files.createTempDirectory("fedmesh-bench-attacks");
    AttackPki pki = new AttackPki(dir.resolve("pki"));
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(dir.resolve("checkpoints"))
            .withHeartbeatTimeout(Duration.ofSeconds(10)).withTls(pki.operator()));
        HpcBridgeService bridgeService = new HpcBridgeService(dir.resolve("bridge"), 2, "local",
            (uid, out) -> new LocalProcessLauncher(out.resolveSibling("logs"), out));
        GrpcServerRunner bridge = GrpcServerRunner.start("hpc-bridge", new HostPort("127.0.0.1", 0), pki.bridge(),
            List.of(bridgeService), PeerIdentity.Kind.OPERATOR);
        SimulatedSites sites = new SimulatedSites(site -> {
          try {
            return MutualTls.channel("127.0.0.1:" + operator.coordinatorPort(), pki.site(site)).build();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })) {
      KubernetesClient kube = cluster.client();
      attackers().forEach(sites::idle);
      int i = 0;
      List<String> everyone = new java.util.ArrayList<>(HONEST);
      everyone.addAll(attackers());
      for (String s : everyone) {
        sites.start(AttackPki.NS, s, i++, Duration.ofSeconds(1));
      }
      await(() -> kube.resources(EdgeSite.class).inNamespace(AttackPki.NS).list().getItems().stream()
          .filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == everyone.size(),
          everyone.size() + " sites Ready");
      kube.resource(model()).create();
      kube.resource(training(everyone.size(), roundDeadlineSeconds)).create();
      await(() -> attackers().stream().allMatch(a -> sites.heldAssignment(a) != null), "the attackers' first assignments");
      await(() -> sites.acknowledged().size() == HONEST.size(), "the honest sites' first updates");

      AttackCatalog catalog = new AttackCatalog(new Attacker(operator.coordinatorPort(), bridge.port()), pki, sites, kube);
      List<AttackCatalog.Outcome> outcomes = catalog.runAll();
      await(() -> phase(kube) == FederatedTrainingStatus.Phase.Succeeded || phase(kube) == FederatedTrainingStatus.Phase.Failed,
          "the training to end");
      outcomes = catalog.afterTraining(outcomes, status(kube));
      long rejected = outcomes.stream().filter(AttackCatalog.Outcome::rejected).count();
      for (AttackCatalog.Outcome o : outcomes) {
        System.out.printf("attack %-30s %-9s %s%n", o.name(), o.rejected() ? "rejected" : "ACCEPTED", o.how());
      }
      long lost = lostUpdates(sites, status(kube));
      int failed = phase(kube) == FederatedTrainingStatus.Phase.Failed ? 1 : 0;
      System.out.printf("training %s: %s, %d rounds%n", TRAINING, phase(kube), status(kube).history.size());
      System.out.printf("RESULT attacks tried=%d rejected=%d lost_updates=%d trainings_failed=%d%n", outcomes.size(), rejected, lost, failed);
      return new Result(outcomes, rejected, lost, failed);
    }
  }

  /** Honest updates the coordinator acknowledged as new that are not among their round's participants. */
  static long lostUpdates(SimulatedSites sites, FederatedTrainingStatus status) {
    long lost = 0;
    for (String key : sites.acknowledged()) {
      String[] parts = key.split("/"); // namespace/training/round/site
      int round = Integer.parseInt(parts[2]);
      boolean kept = status.history.stream().anyMatch(h -> h.round == round && h.participants.contains(parts[3]));
      lost += kept ? 0 : 1;
    }
    return lost;
  }

  private static DistributedModel model() {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("guarded-mlp").withNamespace(AttackPki.NS).build());
    DistributedModelSpec s = new DistributedModelSpec();
    s.inputShape = List.of(8);
    s.outputShape = List.of(3);
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(16);
    dm.setSpec(s);
    return dm;
  }

  private static FederatedTraining training(int sites, int deadlineSeconds) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(TRAINING).withNamespace(AttackPki.NS).build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "guarded-mlp";
    s.rounds = 3;
    s.participants.minSites = HONEST.size();
    s.participants.maxSites = sites; // the attackers are in the cohort
    s.roundDeadline.initialSeconds = deadlineSeconds; // the attackers never deliver: their rounds close at the deadline
    s.roundDeadline.adaptive = false;
    ft.setSpec(s);
    return ft;
  }

  static FederatedTrainingStatus status(KubernetesClient kube) {
    FederatedTraining ft = kube.resources(FederatedTraining.class).inNamespace(AttackPki.NS).withName(TRAINING).get();
    return ft == null || ft.getStatus() == null ? new FederatedTrainingStatus() : ft.getStatus();
  }

  private static FederatedTrainingStatus.Phase phase(KubernetesClient kube) {
    return status(kube).phase;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant limit = Instant.now().plus(Duration.ofMinutes(3));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(limit)) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(100); // polling a condition in a benchmark driver, not synchronising a test
    }
  }
}
