package io.fedmesh.mesh.bench;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.bench.robust.FederatedRun;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.IdxReader;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.mesh.data.DirichletSplit;
import io.fedmesh.mesh.data.FashionMnistLocator;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.aggregation.Strategies;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What federation costs in accuracy: the local mesh's default CNN trained on the same
 * Fashion-MNIST images twice in one run, federated (the sites' Dirichlet(alpha) split, FedAvg
 * through the operator's strategy class, each site training with the agent's DjlTrainer) and
 * centrally on their union with the same number of passes over the data, from the same initial
 * model. Both are tested on all 10,000 t10k images. In one process: it measures the learning, not
 * the network.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true,
    description = "Default CNN on Fashion-MNIST: federated over --sites (Dirichlet --alpha) vs central, same passes, one run.")
public final class AccuracyBenchmark implements Callable<Integer> {
  @Option(names = "--sites", defaultValue = "8", description = "Sites (default: ${DEFAULT-VALUE}).")
  int sites;

  @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet label skew, lower is more skewed (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--rounds", defaultValue = "10", description = "Federation rounds; the central run makes as many passes (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the split, the initial model and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (sites < 1 || rounds < 1) {
      System.err.println("--sites and --rounds must be at least 1");
      return 2;
    }
    long t0 = System.nanoTime();
    FashionMnistLocator.Location files = new FashionMnistLocator().locateOrInstall(System.out);
    Dataset train = IdxReader.read(files.trainImages(), files.trainLabels());
    Dataset test = IdxReader.read(files.testImages(), files.testLabels());
    int[] labels = new int[train.rows()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (int) train.y()[i];
    }
    List<Dataset> parts = new ArrayList<>();
    for (int[] idx : new DirichletSplit(alpha, seed).split(labels, train.classes(), sites)) {
      parts.add(train.select(train.source(), idx));
    }
    ModelDescription cnn = InitialModel.of(defaultCnn(train), 0).description();
    // the local mesh's image defaults (MeshPlan): Adam at 0.002 in batches of 64, one local pass a round
    LocalTraining local = LocalTraining.newBuilder().setEpochs(1).setBatchSize(64).setLearningRate(0.002).setOptimizer("adam")
        .setSeed(seed).build();
    String device = DjlTrainer.device().toString(); // first: probing it logs a line
    System.out.printf("accuracy: %s, Fashion-MNIST %d train / %d test images, %d sites (Dirichlet %.2f), %d rounds of 1 local pass"
        + " vs %d central passes, DJL on %s%n", cnn, train.rows(), test.rows(), sites, alpha, rounds, rounds, device);

    long f0 = System.nanoTime();
    FederatedTrainingSpec.Strategy fedAvg = new FederatedTrainingSpec.Strategy();
    fedAvg.type = FederatedTrainingSpec.Strategy.Type.FedAvg;
    double federated = new FederatedRun(cnn, parts, test, local).run(Strategies.forSpec(fedAvg), rounds, seed).accuracy();
    double federatedSeconds = (System.nanoTime() - f0) / 1e9;

    long c0 = System.nanoTime();
    float[] central = new DjlTrainer().train(cnn, InitialModel.of(cnn, seed).weights(), train,
        local.toBuilder().setEpochs(rounds).build(), seed).weights();
    double centralAccuracy = ModelEvaluator.evaluate(cnn, central, test).metric();
    double centralSeconds = (System.nanoTime() - c0) / 1e9;

    System.out.printf("RESULT accuracy federated=%.4f central=%.4f ratio=%.3f seconds=%.0f sites=%d rounds=%d federated_s=%.0f"
            + " central_s=%.0f%n", federated, centralAccuracy, federated / centralAccuracy, (System.nanoTime() - t0) / 1e9, sites, rounds,
        federatedSeconds, centralSeconds);
    return 0;
  }

  /** The cnn `./fedmesh local` trains on images: LeNet's blocks and head. */
  static ModelDescription defaultCnn(Dataset train) {
    int[] shape = train.sampleShape().stream().mapToInt(Integer::intValue).toArray();
    return new ModelDescription(ArchitectureType.CNN, shape, train.classes(), TaskKind.CLASSIFICATION, ModelDescription.DEFAULT_CNN_HEAD,
        Activation.RELU, ModelDescription.DEFAULT_CONV, 0, 0, null);
  }
}
