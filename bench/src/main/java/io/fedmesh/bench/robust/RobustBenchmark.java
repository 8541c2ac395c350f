package io.fedmesh.bench.robust;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.aggregation.Strategies;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Robust aggregation under attack: N sites train a real DJL model on non-IID data, two of them send
 * a scaled (x-10) and a sign-flipped update every round, and each strategy of spec.strategy.type
 * aggregates through the operator's own classes. Each line compares the strategy's final held-out
 * accuracy with and without the attackers; the clean run of the same strategy is the baseline.
 * The strategies run without the norm bound so that each line shows the raw strategy.
 */
@Command(name = "robust", mixinStandardHelpOptions = true,
    description = "FedAvg, Median, TrimmedMean, Krum and FedAdam with and without 2 hostile sites (scaled, sign-flipped updates).")
public final class RobustBenchmark implements Callable<Integer> {
  @Option(names = "--sites", defaultValue = "10", description = "Sites, the last two hostile (default: ${DEFAULT-VALUE}).")
  int sites;

  @Option(names = "--rounds", defaultValue = "15", description = "Federation rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--samples", defaultValue = "240", description = "Training rows per site (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--alpha", defaultValue = "1.0", description = "Dirichlet label skew across sites, lower is more skewed (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of data, model and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  /** Where the lines go (a test reads them). */
  java.io.PrintStream out = System.out;

  static final int FEATURES = 8;
  static final int CLASSES = 3;
  static final int BYZANTINE = 2;

  @Override
  public Integer call() {
    if (sites < 2 * BYZANTINE + 3) {
      System.err.println("--sites must be at least " + (2 * BYZANTINE + 3) + ": Krum with " + BYZANTINE + " hostile sites needs n > 2f+2");
      return 2;
    }
    // one PyTorch thread: the sites train one after another, and spinning pools only fight a busy box
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
    long t0 = System.nanoTime();
    BlobData data = new BlobData(FEATURES, CLASSES, seed);
    List<Dataset> siteData = data.sites(sites, samples, alpha);
    Dataset test = data.balanced(2000);
    MlpSpec model = new MlpSpec(new int[] {FEATURES, 16, CLASSES}, Activation.RELU, TaskKind.CLASSIFICATION);
    LocalTraining local = LocalTraining.newBuilder().setEpochs(1).setBatchSize(32).setLearningRate(0.1).setOptimizer("sgd").build();
    FederatedRun federation = new FederatedRun(model, siteData, test, local);
    Map<Integer, Attack> attacks = Map.of(sites - 2, Attack.SCALED, sites - 1, Attack.SIGN_FLIPPED);
    out.printf("robust: %d sites (site-%d %s, site-%d %s), %d rounds, %d rows each (Dirichlet %.1f), MLP %d-16-%d, DJL %s on CPU;"
            + " the norm bound is off for every RESULT line: each shows the raw strategy%n", sites, sites - 2, Attack.SCALED.name(),
        sites - 1, Attack.SIGN_FLIPPED.name(), rounds, samples, alpha, FEATURES, CLASSES, local.getOptimizer());
    for (Map.Entry<String, FederatedTrainingSpec.Strategy> e : strategies().entrySet()) {
      double clean = federation.run(Strategies.forSpec(e.getValue()), rounds, Map.of(), false, seed).accuracy();
      double attacked = federation.run(Strategies.forSpec(e.getValue()), rounds, attacks, false, seed).accuracy();
      out.printf("RESULT robust strategy=%s clean=%.4f attacked=%.4f delta=%+.4f%n", e.getKey(), clean, attacked, attacked - clean);
    }
    // what the operator actually runs by default: the automatic norm bound in front of FedAvg
    FederatedRun.Outcome guarded = federation.run(Strategies.forSpec(strategies().get("FedAvg")), rounds, attacks, true, seed);
    out.printf("note: FedAvg behind the automatic norm bound (the operator's default) under the same attack: attacked=%.4f,"
        + " %d of %d updates refused (the scaled one each round; the sign flip has an honest norm)%n", guarded.accuracy(), guarded.refused(),
        rounds * sites);
    out.printf("robust: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  /** The strategies as a FederatedTraining would spell them, with the settings this attack needs. */
  static Map<String, FederatedTrainingSpec.Strategy> strategies() {
    Map<String, FederatedTrainingSpec.Strategy> out = new LinkedHashMap<>();
    out.put("FedAvg", strategy(Type.FedAvg));
    out.put("Median", strategy(Type.Median));
    FederatedTrainingSpec.Strategy trimmed = strategy(Type.TrimmedMean);
    trimmed.trimFraction = 0.2; // two of ten at each end: both hostile sites
    out.put("TrimmedMean", trimmed);
    FederatedTrainingSpec.Strategy krum = strategy(Type.Krum);
    krum.krum = new FederatedTrainingSpec.Krum();
    krum.krum.byzantine = BYZANTINE;
    krum.krum.select = 4; // Multi-Krum: the 4 best-scored updates
    out.put("Krum", krum);
    FederatedTrainingSpec.Strategy adam = strategy(Type.FedAdam);
    adam.fedAdam = new FederatedTrainingSpec.FedAdam();
    adam.fedAdam.serverLearningRate = 0.05;
    out.put("FedAdam", adam);
    return out;
  }

  private static FederatedTrainingSpec.Strategy strategy(Type type) {
    FederatedTrainingSpec.Strategy s = new FederatedTrainingSpec.Strategy();
    s.type = type;
    return s;
  }
}
