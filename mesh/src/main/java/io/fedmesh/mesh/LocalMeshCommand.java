package io.fedmesh.mesh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.report.RunReport;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.mesh.wan.WanLink;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.netcrusher.core.reactor.NioReactor;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * `fedmesh local`: the whole mesh on one machine. Embedded Kubernetes API (fabric8 mock server,
 * CRUD), the CRDs, the operator, N edge agents as separate processes each behind its own emulated
 * WAN link, the example resources applied as kubectl would; one line per round; summary.json and
 * report.html at the end. Exits 0 only when the training Succeeded.
 */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the whole mesh on this machine: embedded Kubernetes API, operator, edge agents over emulated WAN links.",
        "Writes OUT/summary.json and OUT/report.html; exits 0 only when the training Succeeded."})
public final class LocalMeshCommand implements Callable<Integer> {
  static final String NAMESPACE = "default";

  /** WAN profiles given to sites in turn: one-way latency (ms) and bandwidth (Mbit/s). */
  static final List<WanLink.Profile> PROFILES = List.of(new WanLink.Profile(5, 200), new WanLink.Profile(15, 100),
      new WanLink.Profile(25, 50), new WanLink.Profile(40, 20));

  @Spec CommandSpec spec;

  @Option(names = "--sites", description = "Number of edge sites (default: 4, or the number of site files with --data).")
  Integer sites;

  @Option(names = "--rounds", defaultValue = "10", description = "Federation rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--data", description = "Directory with site-<i>.csv per site and test.csv (header row, numeric features, a 'label' column).")
  Path data;

  @Option(names = "--task", defaultValue = "classification", description = "classification or regression (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--problem", defaultValue = "blobs",
      description = {"Built-in data: blobs (non-IID Gaussian blobs, classification) or plume (sensor readings of the reference"
          + " advection-diffusion simulation, regression; with --hpc the burst runs that simulation, 2 MPI ranks per task on"
          + " Slurm). Default: ${DEFAULT-VALUE}."})
  String problem;

  @Option(names = "--out", defaultValue = "fedmesh-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--kill-site-after-round", defaultValue = "-1", paramLabel = "K",
      description = "Kill one agent process after round K; the mesh carries on without it.")
  int killAfterRound;

  @Option(names = "--samples-per-site", defaultValue = "1200", description = "Samples per site of the built-in data (default: ${DEFAULT-VALUE}).")
  int samplesPerSite;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the built-in data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--timeout", defaultValue = "600", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--hpc", defaultValue = "none",
      description = "none, local or slurm: also run a simulation burst on an hpc-bridge whose samples join training (default: ${DEFAULT-VALUE}).")
  String hpc;

  @Option(names = "--verbose", description = "Show operator logs on the terminal (they always go to OUT/logs/operator.log).")
  boolean verbose;

  private final PrintStream console = System.out;

  @Override
  public Integer call() throws Exception {
    TaskKind taskKind = parseTask();
    validate();
    Instant started = Instant.now();
    Path outDir = out.toAbsolutePath();
    Files.createDirectories(outDir.resolve("logs"));
    routeLogs(outDir.resolve("logs/operator.log"));
    MeshData meshData = data != null ? MeshData.fromDirectory(data, sites, taskKind, outDir.resolve("data"))
        : plume() ? MeshData.plume(outDir.resolve("data"), sites == null ? 4 : sites, samplesPerSite, seed)
        : MeshData.builtIn(outDir.resolve("data"), sites == null ? 4 : sites, samplesPerSite, seed);
    int n = meshData.siteDirs().size();
    if (killAfterRound >= 0 && n < 2) {
      throw new ParameterException(spec.commandLine(), "--kill-site-after-round needs at least 2 sites");
    }
    console.printf("fedmesh local: %d sites, %d rounds, %s, data %s%n", n, rounds, taskKind.name().toLowerCase(),
        data != null ? data : plume() ? "built-in plume (reference advection-diffusion sensor readings, " + meshData.features()
            + " features; each site saw one wind band and central sources only)"
            : "built-in (non-IID Gaussian blobs, " + meshData.features() + " features, " + meshData.classes() + " classes)");

    List<AgentProcess> agents = new ArrayList<>();
    LocalHpc localHpc = null;
    List<WanLink> links = new ArrayList<>();
    NioReactor reactor = new NioReactor();
    Thread cleanup = new Thread(() -> agents.forEach(AgentProcess::close));
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(),
            OperatorConfig.local(outDir.resolve("checkpoints")).withHeartbeatTimeout(Duration.ofSeconds(4)))) {
      KubernetesClient client = cluster.client();
      console.printf("  kubernetes API  %s (fabric8 mock server, CRUD)%n", cluster.url());
      // load the engine once here: the first load extracts the PyTorch natives (~430 MB) into the
      // DJL cache, and N agent processes must not all do it at the same time
      long engineStart = System.nanoTime();
      ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
      console.printf("  training engine %s %s (%.1f s)%n", engine.getEngineName(), engine.getVersion(),
          (System.nanoTime() - engineStart) / 1e9);
      console.printf("  coordinator     127.0.0.1:%d%n", operator.coordinatorPort());
      for (int i = 0; i < n; i++) {
        String site = "site-" + i;
        WanLink.Profile profile = PROFILES.get(i % PROFILES.size());
        WanLink link = WanLink.open(reactor, freePort(), operator.coordinatorPort(), profile);
        links.add(link);
        Path work = outDir.resolve("agents").resolve(site);
        Files.createDirectories(work);
        agents.add(AgentProcess.launch(site, link.port(), meshData.siteDirs().get(i), work, outDir.resolve("logs/" + site + ".log"),
            List.of("--region", "region-" + (i % 2), "--label", "fedmesh.io/mesh=local")));
        console.printf("  %-15s agent process, WAN %s, %d samples, log logs/%s.log%n", site, profile,
            meshData.samples().get(i), site);
      }
      if (!hpc.equals("none")) {
        localHpc = LocalHpc.start(hpc, outDir);
        localHpc.applyCluster(client, NAMESPACE);
        Path work = Files.createDirectories(outDir.resolve("agents").resolve("hpc-sim"));
        // the cloud-side learner: selected once the training has simulation samples, which it fetches from the coordinator
        agents.add(AgentProcess.launch("hpc-sim", operator.coordinatorPort(), work.resolve("simulation-data"), work,
            outDir.resolve("logs/hpc-sim.log"), List.of("--region", "cloud", "--label", "fedmesh.io/mesh=local", "--simulation-learner")));
        console.printf("  hpc-bridge      127.0.0.1:%d (%s backend), HpcCluster/%s; the training requests a burst of %d tasks"
            + " (spec.adaptiveSimulation) whose samples train at site hpc-sim%n", localHpc.port(), hpc, LocalHpc.CLUSTER, LocalHpc.TASKS);
      }
      waitForSites(client, n, Duration.ofSeconds(90), agents);
      FederatedTraining training = applyExamples(client, meshData, n, localHpc);
      console.printf("  applied         DistributedModel/%s, FederatedTraining/%s%n%n", training.getSpec().modelRef,
          training.getMetadata().getName());
      FederatedTraining last = watch(client, training.getMetadata().getName(), agents, started);
      agents.forEach(AgentProcess::close);
      double wall = Duration.between(started, Instant.now()).toMillis() / 1000.0;
      List<EdgeSite> siteList = client.resources(EdgeSite.class).inNamespace(NAMESPACE).list().getItems();
      RunSummary summary = RunSummary.of(last, siteList, wall);
      if (localHpc != null) {
        summary = summary.withBursts(LocalHpc.summaries(client, NAMESPACE));
        for (RunSummary.Burst b : summary.bursts()) {
          console.printf("  burst %s: %s, %d/%d tasks succeeded, %d samples, makespan %.2f s, utilization %.2f (%s)%n", b.name(),
              b.phase(), b.succeeded(), b.tasks(), b.producedSamples(), b.makespanSeconds(), b.utilization(), b.mode());
        }
      }
      summary.write(outDir.resolve("summary.json"));
      Path report = RunReport.write(outDir, "fedmesh local: " + last.getMetadata().getName(), summary,
          last.getStatus() == null || last.getStatus().history == null ? List.of() : last.getStatus().history,
          localHpc == null ? java.util.Map.of() : localHpc.timeline(client, NAMESPACE));
      var ready = last.getStatus() == null ? null : last.getStatus().condition("Ready");
      console.printf("%n%s (%s): %d round(s), %,d bytes moved, %.1f s%n", summary.phase(),
          ready == null ? "" : ready.getMessage(), summary.roundsCompleted(), summary.bytesMoved(), wall);
      if (meshData.task() == TaskKind.REGRESSION) {
        // the yardstick for an MSE: what always predicting the test set's mean label would score
        console.printf("  (test-set label variance, the MSE of predicting the mean: %.4f)%n", labelVariance(meshData.testCsv()));
      }
      for (RunSummary.Site s : summary.sites()) {
        console.printf("  %-10s %s%n", s.name(), s.phase());
      }
      console.printf("wrote %s and %s%n", outDir.resolve("summary.json"), report);
      return "Succeeded".equals(summary.phase()) ? 0 : 1;
    } finally {
      agents.forEach(AgentProcess::close);
      if (localHpc != null) {
        localHpc.close();
      }
      links.forEach(WanLink::close);
      reactor.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  private FederatedTraining applyExamples(KubernetesClient client, MeshData d, int n, LocalHpc localHpc) throws IOException {
    DistributedModel model;
    try (InputStream in = resource("examples/local/distributedmodel.yaml")) {
      model = client.resources(DistributedModel.class).load(in).item();
    }
    model.getMetadata().setNamespace(NAMESPACE);
    model.getSpec().task = d.task() == TaskKind.REGRESSION ? DistributedModelSpec.Task.REGRESSION : DistributedModelSpec.Task.CLASSIFICATION;
    model.getSpec().inputShape = List.of(d.features());
    model.getSpec().outputShape = List.of(d.task() == TaskKind.REGRESSION ? 1 : d.classes());
    if (plume()) {
      // a sharp plume over 11 inputs: two tanh layers of 64
      model.getSpec().architecture.hiddenLayers = List.of(64, 64);
      model.getSpec().architecture.activation = DistributedModelSpec.Architecture.Activation.TANH;
    }
    client.resource(model).create();

    FederatedTraining ft;
    try (InputStream in = resource("examples/local/federatedtraining.yaml")) {
      ft = client.resources(FederatedTraining.class).load(in).item();
    }
    ft.getMetadata().setNamespace(NAMESPACE);
    ft.getSpec().rounds = rounds;
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.dataPath = d.testCsv().toString();
    ft.getSpec().participants.minSites = Math.max(1, Math.min(ft.getSpec().participants.minSites, n - 1));
    if (d.task() == TaskKind.REGRESSION && ft.getSpec().target != null) {
      ft.getSpec().target = null;
    }
    if (localHpc != null) {
      // adaptive simulation: the operator itself creates the burst (trigger always: at the start)
      ft.getSpec().adaptiveSimulation = new FederatedTrainingSpec.AdaptiveSimulation();
      ft.getSpec().adaptiveSimulation.clusterRef = LocalHpc.CLUSTER;
      ft.getSpec().adaptiveSimulation.trigger = FederatedTrainingSpec.AdaptiveSimulation.Trigger.ALWAYS;
      ft.getSpec().adaptiveSimulation.burstTemplate = localHpc.burstTemplate(seed, plume());
    }
    if (plume()) {
      // inputs on very different scales (diffusivity ~0.01, sourceStrength 10): Adam's per-parameter steps cope, SGD stalls
      ft.getSpec().localTraining.optimizer = FederatedTrainingSpec.LocalTraining.Optimizer.ADAM;
      ft.getSpec().localTraining.learningRate = 0.003;
      ft.getSpec().localTraining.epochs = 4;
    }
    return client.resource(ft).create();
  }

  /** Waits until every agent registered and reports Ready (or gives a clear error). */
  private void waitForSites(KubernetesClient client, int n, Duration timeout, List<AgentProcess> agents) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Spinner spinner = new Spinner(console);
    while (Instant.now().isBefore(deadline)) {
      long ready = client.resources(EdgeSite.class).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(s -> s.getMetadata().getName().startsWith("site-"))
          .filter(s -> s.getStatus() != null && s.getStatus().phase == EdgeSiteStatus.Phase.Ready).count();
      spinner.show("waiting for edge agents to register: " + ready + "/" + n + " Ready");
      if (ready >= n) {
        spinner.clear();
        return;
      }
      for (AgentProcess a : agents) {
        if (!a.alive()) {
          spinner.clear();
          throw new IllegalStateException("the agent of " + a.site() + " exited during start-up; see " + a.log());
        }
      }
      Thread.sleep(250);
    }
    spinner.clear();
    throw new IllegalStateException("edge agents did not all register within " + timeout.toSeconds() + " s; see " + out.resolve("logs"));
  }

  private FederatedTraining watch(KubernetesClient client, String name, List<AgentProcess> agents, Instant started)
      throws InterruptedException {
    Instant deadline = started.plusSeconds(timeoutSeconds);
    int printed = 0;
    boolean killed = false;
    Spinner spinner = new Spinner(console);
    console.printf("  %5s  %-5s  %10s  %10s  %12s  %8s%n", "round", "sites", "loss", "metric", "bytes", "seconds");
    while (true) {
      FederatedTraining ft = client.resources(FederatedTraining.class).inNamespace(NAMESPACE).withName(name).get();
      FederatedTrainingStatus st = ft.getStatus();
      List<RoundRecord> history = st == null || st.history == null ? List.of() : st.history;
      for (RoundRecord r : history) {
        if (r.round > printed) {
          spinner.clear();
          console.printf("  %5d  %-5d  %10.4f  %10.4f  %12s  %8.2f%s%n", r.round, r.participants.size(), r.loss, r.metric,
              String.format("%,d", r.bytes), r.seconds, r.missed == null || r.missed.isEmpty() ? "" : "   missed: " + String.join(",", r.missed));
          printed = r.round;
        }
      }
      if (!killed && killAfterRound >= 0 && printed >= killAfterRound) {
        AgentProcess victim = agents.stream().filter(a -> a.site().startsWith("site-")).reduce((a, b) -> b).orElseThrow();
        victim.kill();
        killed = true;
        spinner.clear();
        console.printf("  -- killed the agent of %s after round %d (the mesh carries on)%n", victim.site(), printed);
      }
      if (st != null && (st.phase == FederatedTrainingStatus.Phase.Succeeded || st.phase == FederatedTrainingStatus.Phase.Failed)) {
        spinner.clear();
        return ft;
      }
      if (Instant.now().isAfter(deadline)) {
        spinner.clear();
        console.printf("timed out after %d s (--timeout)%n", timeoutSeconds);
        return ft;
      }
      String state = st == null || st.phase == null ? "waiting for the operator"
          : st.phase == FederatedTrainingStatus.Phase.Pending ? "Pending: " + reason(st)
          : "round " + (printed + 1) + "/" + rounds + " in progress with " + st.currentParticipants.size() + " site(s)";
      spinner.show(state);
      Thread.sleep(300);
    }
  }

  private static String reason(FederatedTrainingStatus st) {
    var c = st.condition("Ready");
    return c == null ? "" : c.getReason() + " " + c.getMessage();
  }

  private static double labelVariance(Path csv) {
    try {
      float[] y = io.fedmesh.common.data.CsvDatasetReader.read(csv, "label", TaskKind.REGRESSION).y();
      double mean = 0;
      for (float v : y) {
        mean += v;
      }
      mean /= Math.max(1, y.length);
      double var = 0;
      for (float v : y) {
        var += (v - mean) * (v - mean);
      }
      return var / Math.max(1, y.length);
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private boolean plume() {
    return "plume".equals(problem);
  }

  private TaskKind parseTask() {
    try {
      return TaskKind.parse(task);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--task: " + e.getMessage());
    }
  }

  private void validate() {
    if (sites != null && (sites < 1 || sites > 32)) {
      throw new ParameterException(spec.commandLine(), "--sites must be between 1 and 32 (got " + sites + ")");
    }
    if (rounds < 1 || rounds > 1000) {
      throw new ParameterException(spec.commandLine(), "--rounds must be between 1 and 1000 (got " + rounds + ")");
    }
    if (killAfterRound >= rounds) {
      throw new ParameterException(spec.commandLine(), "--kill-site-after-round " + killAfterRound + " must be below --rounds " + rounds);
    }
    if (samplesPerSite < 10) {
      throw new ParameterException(spec.commandLine(), "--samples-per-site must be at least 10");
    }
    if (!List.of("none", "local", "slurm").contains(hpc)) {
      throw new ParameterException(spec.commandLine(), "--hpc must be none, local or slurm (got " + hpc + ")");
    }
    if (!List.of("blobs", "plume").contains(problem)) {
      throw new ParameterException(spec.commandLine(), "--problem must be blobs or plume (got " + problem + ")");
    }
    if (plume() && data != null) {
      throw new ParameterException(spec.commandLine(), "--problem plume generates its data: drop --data, or drop --problem");
    }
    if (plume() && spec.commandLine().getParseResult().hasMatchedOption("--task") && !task.equalsIgnoreCase("regression")) {
      throw new ParameterException(spec.commandLine(), "--problem plume is a regression problem: drop --task or use --task regression");
    }
    LocalHpc.problem(hpc).ifPresent(p -> {
      throw new ParameterException(spec.commandLine(), p);
    });
  }

  private static InputStream resource(String name) {
    InputStream in = LocalMeshCommand.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is missing from the fedmesh-mesh jar: rebuild with ./mvnw install");
    }
    return in;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Operator logs go to a file; only warnings reach the terminal unless --verbose. */
  private void routeLogs(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%d{HH:mm:ss.SSS} %-5level [%logger{0}] %msg%n");
    enc.start();
    FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
    fileAppender.setContext(ctx);
    fileAppender.setFile(file.toString());
    fileAppender.setEncoder(enc);
    fileAppender.start();
    root.addAppender(fileAppender);
    if (!verbose) {
      // the emulated WAN logs every reset connection (a killed site) with a stack trace
      ctx.getLogger("org.netcrusher").setLevel(Level.OFF);
      for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> a = it.next();
        if (a != fileAppender) {
          ThresholdFilter warn = new ThresholdFilter();
          warn.setLevel(Level.ERROR.toString());
          warn.start();
          a.addFilter(warn);
        }
      }
    }
  }
}
