package io.fedmesh.mesh;

import io.fedmesh.common.model.TaskKind;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of `fedmesh local` (a picocli mixin). {@link #validate} refuses bad or conflicting
 * options with a message naming the option and the fix, before anything is created or started.
 */
public final class MeshOptions {
  static final int DEFAULT_SITES = 4;
  /** Fashion-MNIST's default: enough sites for a Dirichlet split to be non-IID, few enough for 2 cores. */
  static final int FASHION_MNIST_SITES = 8;
  /** The built-in problems that bring a fixed data set, and what of it --samples-per-site would cut. */
  static final java.util.Map<String, String> DATA_SETS = java.util.Map.of("fashion-mnist", "60,000 training images", "digits",
      "1,437 training rows");

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--sites", description = "Number of edge sites (default: 4, 8 with --problem fashion-mnist, or the number of"
      + " sites with --data).")
  Integer sites;

  @Option(names = "--rounds", defaultValue = "10", description = "Federation rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--data", description = {"Directory with, per site, site-<i>.csv (header row, numeric features, a 'label'"
      + " column) or a site-<i>/ folder (MNIST IDX files *-images-idx3-ubyte[.gz] + *-labels-idx1-ubyte[.gz], or an image"
      + " folder: one subfolder of PNG/JPEG images per class), numbered from 0 without gaps; and test.csv or test/ beside them."})
  Path data;

  @Option(names = "--label-column", defaultValue = "label",
      description = "The label column of the --data files (default: ${DEFAULT-VALUE}).")
  String labelColumn = "label";

  @Option(names = "--task", defaultValue = "classification", description = "classification or regression (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--problem", defaultValue = "blobs",
      description = {"Built-in data: blobs (non-IID Gaussian blobs, classification), plume (sensor readings of the reference"
          + " advection-diffusion simulation, regression; with --hpc the burst runs that simulation, 2 MPI ranks per task on"
          + " Slurm) or fashion-mnist (Fashion-MNIST from Debian's dataset-fashion-mnist package, installed when missing and"
          + " possible: 60,000 28x28 grey images of 10 classes split over the sites by a Dirichlet(--alpha) label"
          + " distribution, tested on all 10,000 t10k images) or digits (the UCI 8x8 handwritten digits Debian's python3-sklearn"
          + " ships: 1,437 rows of 64 pixels split the same way, 360 held out; an MLP of 64). Default: ${DEFAULT-VALUE}."})
  String problem;

  @Option(names = "--model", paramLabel = "mlp|cnn|resnet|FILE",
      description = "The network to train: mlp (dense layers), cnn (LeNet-like convolutions; the default for images), resnet"
          + " (ResNet-18 of width 16, for images), or FILE: your own TorchScript module (torch.jit.save; its forward takes a"
          + " batch of samples, [n, features] or [n, channels, height, width], and returns [n, classes];"
          + " examples/torchscript/make_model.py writes one). Default: cnn for image data, mlp for tables.")
  String model;

  @Option(names = "--alpha", defaultValue = "0.5",
      description = "Dirichlet concentration of the sites' label mix for blobs, fashion-mnist and digits: small (0.1) gives sites"
          + " dominated by one or two classes, large (100) nearly the same mix everywhere (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--out", defaultValue = "fedmesh-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--kill-site-after-round", defaultValue = "-1", paramLabel = "K",
      description = "Kill one agent process after round K; the mesh carries on without it.")
  int killAfterRound;

  @Option(names = "--samples-per-site", defaultValue = "1200", description = "Samples per site of the built-in data (default: ${DEFAULT-VALUE}).")
  int samplesPerSite;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the built-in data and of the training (spec.seed: initial model, site selection, local"
      + " shuffling); the same seed repeats a run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--timeout", defaultValue = "600", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--hpc", defaultValue = "none",
      description = "none, local or slurm: also run a simulation burst on an hpc-bridge whose samples join training (default: ${DEFAULT-VALUE}).")
  String hpc;

  @Option(names = "--insecure",
      description = "Run every gRPC link in plaintext without certificates (default: mutual TLS with a fresh CA under OUT/certs).")
  boolean insecure;

  @Option(names = "--keep-running",
      description = "After training ends, keep the API server, operator and agents up (kubectl --kubeconfig OUT/kubeconfig ...) until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text or json: the format of OUT/logs/*.log, json one object per line with the resource named (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Option(names = "--scenario", paramLabel = "NAME|FILE",
      description = {"The WAN the sites run over: a built-in (calm: fixed links, the default; stragglers; flaky; partition;"
          + " mixed: issue 11's 8-site WAN) or a scenario YAML file giving each site's link (RTT, bandwidth, jitter), its compute"
          + " slowdown and a timeline of bandwidth changes, partitions, flapping, leaves and joins (docs/local-mesh.md)."})
  String scenario;

  @Option(names = "--round-target", paramLabel = "SECONDS|auto",
      description = "Plan every round to finish in this many seconds from the sites' forecasts (spec.roundDeadline.targetSeconds),"
          + " or auto: the median site's forecast (targetSeconds 0). Stragglers are left out, and history[].selection says why"
          + " (docs/resources.md). Default: rounds are not planned.")
  String roundTarget;

  /** spec.roundDeadline.targetSeconds: null when rounds are not planned, 0 for auto. */
  Integer roundTargetSeconds() {
    if (roundTarget == null) {
      return null;
    }
    if ("auto".equals(roundTarget)) {
      return 0;
    }
    try {
      return Integer.valueOf(roundTarget);
    } catch (NumberFormatException e) {
      return -1; // refused by validate()
    }
  }

  @Option(names = "--fixed-deadline", paramLabel = "SECONDS",
      description = "Every round waits up to this many seconds for its sites, never adapted (spec.roundDeadline.initialSeconds with"
          + " adaptive false), as Flower's round timeout does. Default: the adaptive deadline of examples/local/federatedtraining.yaml.")
  Integer fixedDeadline;

  @Option(names = "--target", paramLabel = "VALUE",
      description = "End the training early once the held-out metric reaches VALUE (spec.target: accuracy for classification, mse"
          + " for regression). Default: run every round.")
  Double target;

  @Option(names = "--compression", paramLabel = "MODE", description = {"spec.wan.compression of the training: none, fp16, int8,"
      + " topk (the --topk-fraction largest entries of each update's delta; the agent carries the rest into its next round) or"
      + " auto (per site and round the widest that fits a quarter of the deadline at the measured upload rate; top-k below int8)."
      + " Default: examples/local/federatedtraining.yaml's, auto."})
  String compression;

  @Option(names = "--topk-fraction", paramLabel = "F", description = "compression topk: the fraction of the parameters each update"
      + " sends, above 0 and at most 0.5 (spec.wan.topkFraction; default 0.01).")
  Double topkFraction;

  @Option(names = "--strategy", defaultValue = "FedAvg", paramLabel = "TYPE",
      description = {"spec.strategy.type of the training: FedAvg, FedProx, TrimmedMean, Median, Krum, FedAdam or BufferedAsync"
          + " (FedBuff: no rounds, every --buffer-size updates make a version; --rounds counts versions) (default: ${DEFAULT-VALUE})."})
  String strategy;

  @Option(names = "--buffer-size", paramLabel = "K", description = "BufferedAsync: updates folded into each version"
      + " (spec.strategy.bufferedAsync.bufferSize; default 3).")
  Integer bufferSize;

  @Option(names = "--max-staleness", paramLabel = "S", description = "BufferedAsync: most versions an update may be behind"
      + " (spec.strategy.bufferedAsync.maxStaleness; default 5).")
  Integer maxStaleness;

  @Option(names = "--verbose", description = "Show operator logs on the terminal (they always go to OUT/logs/operator.log).")
  boolean verbose;

  io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type strategyType() {
    return io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type.valueOf(strategy);
  }

  boolean plume() {
    return "plume".equals(problem);
  }

  boolean fashionMnist() {
    return "fashion-mnist".equals(problem);
  }

  boolean digits() {
    return "digits".equals(problem);
  }

  /** Sites of a built-in problem when --sites is not given. */
  int defaultSites() {
    return fashionMnist() ? FASHION_MNIST_SITES : DEFAULT_SITES;
  }

  /** What --scenario names for ScenarioLoader: a built-in's name (calm when not given) or the file's resolved path. */
  String scenarioSource() {
    if (scenario == null || io.fedmesh.mesh.wan.ScenarioLoader.BUILT_INS.contains(scenario)) {
      return scenario == null ? "calm" : scenario;
    }
    return resolved(Path.of(scenario)).toString();
  }

  boolean withHpc() {
    return !hpc.equals("none");
  }

  boolean killsASite() {
    return killAfterRound >= 0;
  }

  /** The task of the run: plume is always regression. Call after {@link #validate}. */
  TaskKind taskKind() {
    return TaskKind.parse(task);
  }

  /** Refuses bad or conflicting options; checks the first problem found, in the order of the help. */
  /**
   * Where a path the user gave lies: the launcher runs from the repository, so a relative path
   * means the caller's directory ({@code fedmesh.caller.dir}). Messages keep the path as named.
   */
  /** The user's TorchScript file, or null when --model names a built-in network. */
  Path torchScript() {
    return model == null || List.of("mlp", "cnn", "resnet").contains(model) ? null : resolved(Path.of(model));
  }

  static Path resolved(Path named) {
    Path caller = Path.of(System.getProperty("fedmesh.caller.dir", System.getProperty("user.dir")));
    return named.isAbsolute() ? named : caller.resolve(named).normalize();
  }

  void validate() {
    io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type type;
    try {
      type = strategyType();
    } catch (IllegalArgumentException e) {
      throw refuse("--strategy must be one of " + java.util.Arrays.toString(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type
          .values()) + " (got " + strategy + ")");
    }
    boolean buffered = type == io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type.BufferedAsync;
    if (!buffered && (bufferSize != null || maxStaleness != null)) {
      throw refuse("--buffer-size and --max-staleness apply to --strategy BufferedAsync only: add it, or drop them");
    }
    if (bufferSize != null && (bufferSize < 1 || bufferSize > 1000)) {
      throw refuse("--buffer-size must be between 1 and 1000 (got " + bufferSize + ")");
    }
    if (maxStaleness != null && (maxStaleness < 0 || maxStaleness > 100)) {
      throw refuse("--max-staleness must be between 0 and 100 (got " + maxStaleness + ")");
    }
    if (buffered && !"none".equals(hpc)) {
      throw refuse("--strategy BufferedAsync does not take simulation data yet: drop --hpc, or use a synchronous strategy");
    }
    try {
      TaskKind.parse(task);
    } catch (IllegalArgumentException e) {
      throw refuse("--task: " + e.getMessage());
    }
    if (sites != null && (sites < 1 || sites > 32)) {
      throw refuse("--sites must be between 1 and 32 (got " + sites + ")");
    }
    if (rounds < 1 || rounds > 1000) {
      throw refuse("--rounds must be between 1 and 1000 (got " + rounds + ")");
    }
    if (killAfterRound >= rounds) {
      throw refuse("--kill-site-after-round " + killAfterRound + " must be below --rounds " + rounds);
    }
    if (sites != null) {
      // with --data and no --sites the count is only known from the files: see requireSitesForFaults
      requireSitesForFaults(sites);
    }
    if (roundTarget != null && !"auto".equals(roundTarget) && (roundTargetSeconds() < 1 || roundTargetSeconds() > 86400)) {
      throw refuse("--round-target must be auto or between 1 and 86400 seconds (got " + roundTarget + ")");
    }
    if (fixedDeadline != null && (fixedDeadline < 1 || fixedDeadline > 86400)) {
      throw refuse("--fixed-deadline must be between 1 and 86400 seconds (got " + fixedDeadline + ")");
    }
    if (fixedDeadline != null && roundTarget != null) {
      throw refuse("--fixed-deadline and --round-target both set the deadline: drop one");
    }
    if (target != null && !Double.isFinite(target)) {
      throw refuse("--target must be a number (got " + target + ")");
    }
    if (target != null && !plume() && taskKind() == TaskKind.CLASSIFICATION && !(target > 0 && target <= 1)) {
      throw refuse("--target is an accuracy for classification: above 0 and at most 1 (got " + target + ")");
    }
    if (compression != null && !List.of("none", "fp16", "int8", "topk", "auto").contains(compression)) {
      throw refuse("--compression must be none, fp16, int8, topk or auto (got " + compression + ")");
    }
    if (topkFraction != null && !(topkFraction >= 0.0001 && topkFraction <= 0.5)) {
      throw refuse("--topk-fraction must be between 0.0001 and 0.5 (got " + topkFraction + ")");
    }
    if (topkFraction != null && !"topk".equals(compression)) {
      throw refuse("--topk-fraction applies to --compression topk: add --compression topk, or drop --topk-fraction");
    }
    if (samplesPerSite < 10) {
      throw refuse("--samples-per-site must be at least 10");
    }
    try {
      io.fedmesh.common.logging.LogFormat.parse(logFormat);
    } catch (IllegalArgumentException e) {
      throw refuse(e.getMessage());
    }
    if (!List.of("none", "local", "slurm").contains(hpc)) {
      throw refuse("--hpc must be none, local or slurm (got " + hpc + ")");
    }
    if (!List.of("blobs", "plume", "fashion-mnist", "digits").contains(problem)) {
      throw refuse("--problem must be blobs, plume, fashion-mnist or digits (got " + problem + ")");
    }
    String dataSet = DATA_SETS.get(problem);
    if (dataSet != null) { // a problem that brings a fixed, labelled data set
      if (data != null) {
        throw refuse("--problem " + problem + " brings its data: drop --data, or drop --problem");
      }
      if (!task.equalsIgnoreCase("classification")) {
        throw refuse("--problem " + problem + " is a classification problem: drop --task or use --task classification");
      }
      if (given("--samples-per-site")) {
        throw refuse("--problem " + problem + " splits all " + dataSet + " over the sites: drop --samples-per-site");
      }
    }
    if (model != null && !List.of("mlp", "cnn", "resnet").contains(model) && !java.nio.file.Files.isRegularFile(resolved(Path.of(model)))) {
      throw refuse("--model must be mlp, cnn, resnet or a TorchScript file (got " + model + ", which is not a file)");
    }
    if (!(alpha > 0 && alpha <= 1000)) {
      throw refuse("--alpha must be above 0 and at most 1000 (got " + alpha + ")");
    }
    if (!"label".equals(labelColumn) && data == null) {
      throw refuse("--label-column names a column of your --data files; the built-in data's is 'label': add --data, or drop --label-column");
    }
    if (plume() && data != null) {
      throw refuse("--problem plume generates its data: drop --data, or drop --problem");
    }
    if (plume() && spec.commandLine().getParseResult().hasMatchedOption("--task") && !task.equalsIgnoreCase("regression")) {
      throw refuse("--problem plume is a regression problem: drop --task or use --task regression");
    }
    if (given("--alpha") && (plume() || data != null)) {
      throw refuse("--alpha sets the label split of blobs and fashion-mnist; " + (data != null ? "--data is split already"
          : "plume has no classes") + ": drop --alpha");
    }
    if (scenario != null) {
      try {
        // read now: a bad scenario is refused before anything starts; MeshPlan checks it against the sites and rounds
        io.fedmesh.mesh.wan.ScenarioLoader.load(scenarioSource());
      } catch (IllegalArgumentException e) {
        throw refuse(e.getMessage());
      }
    }
    LocalHpc.problem(hpc).ifPresent(p -> {
      throw refuse(p);
    });
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** Killing a site leaves the training with the others: there must be at least one other. */
  void requireSitesForFaults(int siteCount) {
    if (killsASite() && siteCount < 2) {
      throw refuse("--kill-site-after-round needs at least 2 sites: raise --sites (or give --data more site files)");
    }
  }

  private ParameterException refuse(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
