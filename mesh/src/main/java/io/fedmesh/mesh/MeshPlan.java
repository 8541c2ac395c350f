package io.fedmesh.mesh;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.mesh.wan.Scenario;
import io.fedmesh.mesh.wan.ScenarioLoader;
import io.fedmesh.mesh.wan.WanLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a local mesh run will start and apply, worked out from the options and the prepared data
 * without starting anything: the sites (agent, WAN link, paths), the optional HPC backend and
 * the DistributedModel and FederatedTraining to apply.
 *
 * @param hpc {@code none}, {@code local} or {@code slurm}
 * @param learner the cloud-side learner of the burst's samples; null without an HPC backend
 * @param evaluator the cloud-side evaluator site: its agent holds the test set and judges every version
 * @param logsHint where the logs are, as the user named the output directory (for error messages)
 * @param insecure plaintext links (--insecure) instead of mutual TLS
 * @param scenario the WAN scenario (--scenario; calm when not given): each site's link and compute speed, and the timeline
 */
public record MeshPlan(Path out, MeshData data, String dataDescription, List<Site> sites, String hpc, Site learner, Site evaluator,
    DistributedModel model, FederatedTraining training, int rounds, int killAfterRound, Path logsHint, boolean insecure,
    Scenario scenario, Path torchScript) {
  static final String NAMESPACE = "default";
  /** The EdgeSite (spec.role: evaluator) whose agent evaluates every version on the test set. */
  static final String EVALUATOR = "evaluator";
  /** Readings per site drawn (in process, from the same distribution as the sites' data) to set the plume's label scale. */
  static final int LABEL_SCALE_SAMPLES = 250;

  /**
   * One agent process.
   *
   * @param wan the emulated link between agent and coordinator; null when it dials the coordinator directly
   */
  public record Site(String name, WanLink.Profile wan, Path dataDir, Path workDir, Path log, int samples, List<String> agentArgs) {}

  /** @param out the absolute output directory; {@code data} already written under it */
  static MeshPlan of(MeshOptions o, MeshData data, Path out) {
    Scenario scenario = ScenarioLoader.load(o.scenarioSource());
    ScenarioLoader.requireFits(scenario, data.siteDirs().size(), o.rounds);
    List<Site> sites = new ArrayList<>();
    for (int i = 0; i < data.siteDirs().size(); i++) {
      String name = "site-" + i;
      Scenario.Site wan = scenario.site(i);
      List<String> args = new ArrayList<>(List.of("--region", "region-" + (i % 2), "--label", "fedmesh.io/mesh=local",
          "--label", "fedmesh.io/tier=factory", // as the factory sites examples/federatedtraining.yaml selects
          "--log-format", o.logFormat));
      if (wan.computeSlowdown() > 1) {
        args.addAll(List.of("--compute-slowdown", String.valueOf(wan.computeSlowdown())));
      }
      sites.add(new Site(name, wan.profile(), data.siteDirs().get(i), out.resolve("agents").resolve(name),
          out.resolve("logs/" + name + ".log"), data.samples().get(i), List.copyOf(args)));
    }
    Site learner = null;
    if (o.withHpc()) {
      Path work = out.resolve("agents").resolve("hpc-sim");
      // selected once the training has simulation samples, which it fetches from the coordinator
      learner = new Site("hpc-sim", null, work.resolve("simulation-data"), work, out.resolve("logs/hpc-sim.log"), 0,
          List.of("--region", "cloud", "--label", "fedmesh.io/mesh=local", "--simulation-learner", "--log-format", o.logFormat));
    }
    // the test set stays in the cloud, with an agent of its own: the operator evaluates nothing itself
    Site evaluator = new Site(EVALUATOR, null, data.testSet(), out.resolve("agents").resolve(EVALUATOR), out.resolve("logs/"
        + EVALUATOR + ".log"), 0, List.of("--region", "cloud", "--label", "fedmesh.io/mesh=local", "--log-format", o.logFormat));
    return new MeshPlan(out, data, describe(o, data), List.copyOf(sites), o.hpc, learner, evaluator, model(o, data),
        training(o, data, sites.size()), o.rounds, o.killAfterRound, o.out.resolve("logs"), o.insecure, scenario, o.torchScript());
  }

  /** The first console line of a run. */
  String heading() {
    return String.format("fedmesh local: %d sites, %d rounds, %s, data %s", sites.size(), rounds,
        data.task().name().toLowerCase(), dataDescription);
  }

  /** The console line naming the WAN scenario. */
  String scenarioLine() {
    return "  WAN scenario    " + scenario.name + (scenario.description == null ? "" : ": " + scenario.description);
  }

  boolean withHpc() {
    return learner != null;
  }

  private static String describe(MeshOptions o, MeshData d) {
    if (o.data != null) {
      return o.data.toString();
    }
    if (o.fashionMnist()) {
      return "Fashion-MNIST (Debian dataset-fashion-mnist; 60,000 " + shape(d) + " images, " + d.classes()
          + " classes, split by Dirichlet(alpha=" + o.alpha + "); tested on 10,000)";
    }
    if (o.digits()) {
      return "UCI digits (Debian python3-sklearn; " + d.samples().stream().mapToInt(Integer::intValue).sum() + " rows of "
          + d.features() + " pixels, " + d.classes() + " classes, split by Dirichlet(alpha=" + o.alpha + "); tested on "
          + MeshData.DIGITS_TEST_ROWS + ")";
    }
    return o.plume() ? "built-in plume (reference advection-diffusion sensor readings, " + d.features()
        + " features; each site saw one wind band and central sources only)"
        : "built-in (non-IID Gaussian blobs, " + d.features() + " features, " + d.classes() + " classes)";
  }

  private static String shape(MeshData d) {
    return d.sampleShape().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("x"));
  }

  private static DistributedModel model(MeshOptions o, MeshData d) {
    DistributedModel model = example("examples/local/distributedmodel.yaml", DistributedModel.class);
    model.getMetadata().setNamespace(NAMESPACE);
    boolean regression = d.task() == TaskKind.REGRESSION;
    model.getSpec().task = regression ? DistributedModelSpec.Task.REGRESSION : DistributedModelSpec.Task.CLASSIFICATION;
    model.getSpec().inputShape = List.of(d.features());
    model.getSpec().outputShape = List.of(regression ? 1 : d.classes());
    String network = network(o, d);
    if (network.equals(TORCHSCRIPT)) {
      DistributedModelSpec.Architecture a = model.getSpec().architecture;
      a.type = DistributedModelSpec.Architecture.Type.TORCHSCRIPT;
      a.hiddenLayers = new java.util.ArrayList<>();
      a.torchscript = new DistributedModelSpec.TorchScript();
      a.torchscript.file = o.torchScript().getFileName().toString(); // LocalMesh copies it into the operator's models directory
      model.getMetadata().setName(modelName(network));
      model.getSpec().inputShape = List.copyOf(d.sampleShape());
      return model;
    }
    if (!network.equals("mlp")) {
      DistributedModelSpec.Architecture a = model.getSpec().architecture;
      a.type = network.equals("cnn") ? DistributedModelSpec.Architecture.Type.CNN : DistributedModelSpec.Architecture.Type.RESNET;
      a.hiddenLayers = new java.util.ArrayList<>(); // the defaults of the network: LeNet, or ResNet-18 of width 16
      model.getMetadata().setName(modelName(network));
      model.getSpec().inputShape = List.copyOf(d.sampleShape());
      return model;
    }
    if (o.digits()) {
      // 64 pixels into 10 digits: one hidden layer of 64 (0.961 federated, 0.969 central: TabularDefaultsLearnTest)
      model.getSpec().architecture.hiddenLayers = new java.util.ArrayList<>(List.of(64));
    }
    if (o.plume()) {
      // a sharp plume over 11 inputs: three tanh layers of 64, on scaled inputs and label
      model.getSpec().architecture.hiddenLayers = PlumeData.HIDDEN;
      model.getSpec().architecture.activation = DistributedModelSpec.Architecture.Activation.TANH;
      model.getSpec().scaling = PlumeData.scaling(new PlumeData(o.seed).siteLabels(d.siteDirs().size(), LABEL_SCALE_SAMPLES));
    }
    return model;
  }

  /** The network to train: --model, else a cnn for images and an mlp for tables. */
  static String network(MeshOptions o, MeshData d) {
    if (o.torchScript() != null) {
      return TORCHSCRIPT; // the module says what it takes; the operator checks it against the data's shape
    }
    boolean images = images(d);
    String network = o.model != null ? o.model : images ? "cnn" : "mlp";
    if (!network.equals("mlp") && !images) {
      throw new IllegalArgumentException("--model " + network + " needs image data (--problem fashion-mnist, or --data with image"
          + " folders or IDX files); this data is a table of " + d.features() + " columns: use --model mlp");
    }
    return network;
  }

  static final String TORCHSCRIPT = "torchscript";

  /** local-mlp, local-cnn, local-resnet or local-torchscript: what `kubectl get dm` shows. */
  static String modelName(String network) {
    return "local-" + network;
  }

  static boolean images(MeshData d) {
    return d.sampleShape().size() == 3;
  }

  private static FederatedTraining training(MeshOptions o, MeshData d, int siteCount) {
    FederatedTraining ft = example("examples/local/federatedtraining.yaml", FederatedTraining.class);
    FederatedTrainingSpec spec = ft.getSpec();
    ft.getMetadata().setNamespace(NAMESPACE);
    spec.rounds = o.rounds;
    spec.modelRef = modelName(network(o, d));
    spec.localTraining.labelColumn = o.labelColumn; // the agents and the evaluation read the same column
    spec.strategy.type = o.strategyType();
    if (spec.strategy.type == FederatedTrainingSpec.Strategy.Type.TrimmedMean) {
      spec.strategy.trimFraction = 0.25; // one of four sites' values trimmed at each end
    }
    if (spec.strategy.type == FederatedTrainingSpec.Strategy.Type.BufferedAsync) {
      spec.strategy.bufferedAsync = new FederatedTrainingSpec.BufferedAsync();
      spec.strategy.bufferedAsync.bufferSize = o.bufferSize == null ? spec.strategy.bufferedAsync.bufferSize : o.bufferSize;
      spec.strategy.bufferedAsync.maxStaleness = o.maxStaleness == null ? spec.strategy.bufferedAsync.maxStaleness : o.maxStaleness;
    }
    spec.seed = o.seed; // the same --seed gives the same data, initial model, selection and local training
    spec.roundDeadline.targetSeconds = o.roundTargetSeconds(); // null: rounds are not planned, 0: auto
    if (o.fixedDeadline != null) {
      spec.roundDeadline.initialSeconds = o.fixedDeadline;
      spec.roundDeadline.maxSeconds = Math.max(o.fixedDeadline, spec.roundDeadline.maxSeconds == null ? 0 : spec.roundDeadline.maxSeconds);
      spec.roundDeadline.minSeconds = Math.min(o.fixedDeadline, spec.roundDeadline.minSeconds == null ? o.fixedDeadline
          : spec.roundDeadline.minSeconds);
      spec.roundDeadline.adaptive = false;
    }
    if (o.compression != null) {
      spec.wan = spec.wan == null ? new FederatedTrainingSpec.WanPolicy() : spec.wan;
      spec.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.valueOf(o.compression.toUpperCase(java.util.Locale.ROOT));
      spec.wan.topkFraction = o.topkFraction;
    }
    spec.evaluation = new FederatedTrainingSpec.Evaluation();
    spec.evaluation.evaluatorRef = EVALUATOR; // the test set's agent judges every version: the metric and the target are its
    spec.evaluation.federated = true; // and every site judges each model on its held-out tenth (history[].heldOutMetric)
    // one below the site count leaves room for a killed site
    spec.participants.minSites = Math.max(1, Math.min(spec.participants.minSites, siteCount - 1));
    if (d.task() == TaskKind.REGRESSION) {
      spec.target = null;
    }
    if (o.target != null) {
      spec.target = new FederatedTrainingSpec.Target();
      spec.target.metric = d.task() == TaskKind.REGRESSION ? FederatedTrainingSpec.Target.Metric.MSE
          : FederatedTrainingSpec.Target.Metric.ACCURACY;
      spec.target.value = o.target;
    }
    if (o.withHpc()) {
      // adaptive simulation: the operator itself creates the burst (trigger always: at the start)
      spec.adaptiveSimulation = new FederatedTrainingSpec.AdaptiveSimulation();
      spec.adaptiveSimulation.clusterRef = LocalHpc.CLUSTER;
      spec.adaptiveSimulation.trigger = FederatedTrainingSpec.AdaptiveSimulation.Trigger.ALWAYS;
      spec.adaptiveSimulation.burstTemplate = LocalHpc.burstTemplate(o.hpc, o.seed, o.plume());
    }
    if (images(d)) {
      // a convolutional network on images: Adam in batches of 64, one pass over the site's images a round
      spec.localTraining.optimizer = FederatedTrainingSpec.LocalTraining.Optimizer.ADAM;
      spec.localTraining.learningRate = 0.002;
      spec.localTraining.batchSize = 64;
      spec.localTraining.epochs = 1;
    }
    if (o.plume()) {
      // inputs on very different scales (diffusivity ~0.01, sourceStrength 10): Adam's per-parameter steps cope, SGD stalls
      spec.localTraining.optimizer = FederatedTrainingSpec.LocalTraining.Optimizer.ADAM;
      spec.localTraining.learningRate = 0.003;
      spec.localTraining.epochs = 4;
    }
    return ft;
  }

  /** An example resource shipped in the jar (examples/local/), read as kubectl would. */
  private static <T> T example(String name, Class<T> type) {
    try (InputStream in = MeshPlan.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the fedmesh-mesh jar: rebuild with ./mvnw install");
      }
      return new KubernetesSerialization().unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
