package io.fedmesh.mesh;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.mesh.wan.WanLink;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.netcrusher.core.reactor.NioReactor;

/**
 * A running local mesh: the embedded API server, the operator, one agent process per site behind
 * its emulated WAN link and, with --hpc, an hpc-bridge and its cloud-side learner. {@link #close}
 * stops everything in the reverse order of starting, also after a start that failed half-way.
 */
final class LocalMesh implements AutoCloseable, io.fedmesh.mesh.wan.ScenarioSites {
  private final MeshPlan plan;
  private final PrintStream console;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  // scenario events start and stop agents on their own thread
  private final List<AgentProcess> agents = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.Map<String, WanLink> links = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, AgentProcess> agentOf = new java.util.concurrent.ConcurrentHashMap<>();
  // a Ctrl-C must not leave agent JVMs behind
  private final Thread killAgentsOnExit = new Thread(() -> agents.forEach(AgentProcess::close));
  private EmbeddedCluster cluster;
  private FedmeshOperator operator;
  private LocalHpc hpc;
  private MeshCertificates certs;

  private LocalMesh(MeshPlan plan, PrintStream console) {
    this.plan = plan;
    this.console = console;
  }

  /** Starts everything in the plan and prints the start-up block; does not wait for the agents. */
  static LocalMesh start(MeshPlan plan, PrintStream console) throws IOException {
    LocalMesh mesh = new LocalMesh(plan, console);
    try {
      mesh.startAll();
      return mesh;
    } catch (IOException | RuntimeException | Error e) {
      mesh.close();
      throw e;
    }
  }

  private void startAll() throws IOException {
    Runtime.getRuntime().addShutdownHook(killAgentsOnExit);
    started.push(this::removeShutdownHook);
    cluster = started(EmbeddedCluster.start());
    List<String> names = new ArrayList<>(plan.sites().stream().map(MeshPlan.Site::name).toList());
    if (plan.withHpc()) {
      names.add(plan.learner().name());
    }
    names.add(plan.evaluator().name());
    certs = plan.insecure() ? null : MeshCertificates.issue(plan.out().resolve("certs"), MeshPlan.NAMESPACE, names);
    Path models = plan.out().resolve("models"); // the operator's models volume: a --model FILE is copied there
    java.nio.file.Files.createDirectories(models);
    if (plan.torchScript() != null) {
      java.nio.file.Files.copy(plan.torchScript(), models.resolve(plan.torchScript().getFileName()),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    operator = started(FedmeshOperator.start(cluster.client(), OperatorConfig.local(plan.out().resolve("checkpoints"))
        .withModelsDir(models).withHeartbeatTimeout(Duration.ofSeconds(4)).withTls(certs == null ? null : certs.operator()).withMetricsPort(0)));
    Path kubeconfig = Kubeconfig.write(plan.out(), cluster.kubectlUrl(), MeshPlan.NAMESPACE);
    console.printf("  kubernetes API  %s (embedded); kubectl --kubeconfig %s get fedmesh%n", cluster.kubectlUrl(),
        plan.logsHint().resolveSibling(kubeconfig.getFileName()));
    console.printf("  links           %s%n", certs == null ? "PLAINTEXT, unauthenticated (--insecure)"
        : "mutual TLS 1.3, a certificate per site, operator and bridge (CA in " + plan.logsHint().resolveSibling("certs") + ")");
    // load the engine once here: the first load extracts the PyTorch natives (~430 MB) into the
    // DJL cache, and N agent processes must not all do it at the same time
    long engineStart = System.nanoTime();
    ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
    console.printf("  training engine %s %s (%.1f s)%n", engine.getEngineName(), engine.getVersion(),
        (System.nanoTime() - engineStart) / 1e9);
    console.printf("  coordinator     127.0.0.1:%d%n", operator.coordinatorPort());
    console.printf("  metrics         operator http://127.0.0.1:%d/metrics%n", operator.metricsPort());
    NioReactor reactor = started(new NioReactor());
    List<String> late = plan.scenario().joinLater();
    for (MeshPlan.Site site : plan.sites()) {
      WanLink link = started(WanLink.open(reactor, freePort(), operator.coordinatorPort(), site.wan()));
      links.put(site.name(), link);
      String slowdown = slowdown(site);
      if (late.contains(site.name())) {
        console.printf("  %-15s joins later (scenario), WAN %s%s, %d samples%n", site.name(), site.wan(), slowdown, site.samples());
        continue;
      }
      int metricsPort = launch(site, link.port(), true);
      console.printf("  %-15s agent process, WAN %s%s, %d samples, log logs/%s.log, metrics http://127.0.0.1:%d/metrics%n", site.name(),
          site.wan(), slowdown, site.samples(), site.name(), metricsPort);
    }
    evaluatorSite();
    int evaluatorMetrics = launch(plan.evaluator(), operator.coordinatorPort(), false);
    console.printf("  %-15s agent process in the cloud, the test set (%s), judges every version; log logs/%s.log, metrics"
        + " http://127.0.0.1:%d/metrics%n", plan.evaluator().name(), plan.evaluator().dataDir().getFileName(), plan.evaluator().name(),
        evaluatorMetrics);
    if (plan.withHpc()) {
      if (plan.hpc().equals("slurm")) {
        PrivateSlurm slurm;
        try {
          slurm = PrivateSlurm.startIfNeeded(plan.out(), console);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the private Slurm", e);
        }
        if (slurm != null) {
          started(slurm);
        }
      }
      hpc = started(LocalHpc.start(plan.hpc(), plan.out(), certs == null ? null : certs.bridge()));
      hpc.applyCluster(client(), MeshPlan.NAMESPACE);
      int learnerMetrics = launch(plan.learner(), operator.coordinatorPort(), false);
      console.printf("  hpc-bridge      127.0.0.1:%d (%s backend), HpcCluster/%s; the training requests a burst of %d tasks"
          + " (spec.adaptiveSimulation) whose samples train at site hpc-sim%n", hpc.port(), plan.hpc(), LocalHpc.CLUSTER,
          LocalHpc.TASKS);
      console.printf("  metrics         hpc-bridge http://127.0.0.1:%d/metrics, hpc-sim http://127.0.0.1:%d/metrics%n",
          hpc.metricsPort(), learnerMetrics);
    }
  }

  /** The evaluator's EdgeSite, as a platform team applies it before the agent registers: spec.role evaluator, so it never trains. */
  private void evaluatorSite() {
    EdgeSite site = new EdgeSite();
    site.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(plan.evaluator().name())
        .withNamespace(MeshPlan.NAMESPACE).addToLabels("fedmesh.io/mesh", "local").build());
    site.setSpec(new io.fedmesh.api.v1alpha1.EdgeSiteSpec());
    site.getSpec().role = io.fedmesh.api.v1alpha1.EdgeSiteSpec.Role.EVALUATOR;
    site.getSpec().region = "cloud";
    client().resource(site).create();
  }

  /** Starts the site's agent process (serving on a free port when {@code serves}); returns the port of its /metrics. */
  private int launch(MeshPlan.Site site, int port, boolean serves) throws IOException {
    Files.createDirectories(site.workDir());
    int metricsPort = freePort();
    List<String> args = new ArrayList<>(site.agentArgs());
    args.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
    if (serves) {
      args.addAll(List.of("--serve-port", String.valueOf(freePort())));
    }
    args.addAll(certs == null ? List.of("--insecure") : certs.agentArgs(site.name()));
    AgentProcess agent = started(AgentProcess.launch(site.name(), port, site.dataDir(), site.workDir(), site.log(), args));
    agents.add(agent);
    agentOf.put(site.name(), agent);
    return metricsPort;
  }

  private static String slowdown(MeshPlan.Site site) {
    int i = site.agentArgs().indexOf("--compute-slowdown");
    return i < 0 ? "" : ", compute " + site.agentArgs().get(i + 1) + "x slower";
  }

  @Override
  public WanLink link(String site) {
    return links.get(site);
  }

  @Override
  public void leave(String site) {
    AgentProcess a = agentOf.remove(site);
    if (a != null) {
      a.close();
    }
  }

  @Override
  public void join(String site) {
    if (agentOf.containsKey(site) && agentOf.get(site).alive()) {
      return; // still there
    }
    MeshPlan.Site s = plan.sites().stream().filter(x -> x.name().equals(site)).findFirst().orElseThrow();
    try {
      // the log continues: a rejoining agent appends (AgentProcess opens it fresh, so keep the earlier part)
      Path earlier = s.log().resolveSibling(site + ".before-join-" + System.currentTimeMillis() + ".log");
      if (Files.exists(s.log())) {
        Files.move(s.log(), earlier);
      }
      launch(s, links.get(site).port(), true);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("starting the agent of " + site + " for a join: " + e.getMessage(), e);
    }
  }

  private synchronized <T extends AutoCloseable> T started(T part) {
    started.push(part);
    return part;
  }

  KubernetesClient client() {
    return cluster.client();
  }

  /** The certificate the mesh's own clients present (the operator's), null with --insecure. */
  io.fedmesh.common.grpc.TlsFiles clientTls() {
    return certs == null ? null : certs.operator();
  }

  /** The bridge of --hpc; null without one. */
  LocalHpc hpc() {
    return hpc;
  }

  /** Waits until every site's agent registered and reports Ready; fails at once if one exited. */
  void awaitSitesReady(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    int n = plan.sites().size() - plan.scenario().joinLater().size() + 1; // and the evaluator
    Spinner spinner = new Spinner(console);
    try {
      while (Instant.now().isBefore(deadline)) {
        long ready = client().resources(EdgeSite.class).inNamespace(MeshPlan.NAMESPACE).list().getItems().stream()
            .filter(s -> s.getMetadata().getName().startsWith("site-") || s.getMetadata().getName().equals(MeshPlan.EVALUATOR))
            .filter(s -> s.getStatus() != null && s.getStatus().phase == EdgeSiteStatus.Phase.Ready).count();
        spinner.show("waiting for edge agents to register: " + ready + "/" + n + " Ready");
        if (ready >= n) {
          return;
        }
        for (AgentProcess a : agents) {
          if (!a.alive()) {
            throw new IllegalStateException("the agent of " + a.site() + " exited during start-up; see " + a.log() + lastLines(a.log()));
          }
        }
        Thread.sleep(250);
      }
    } finally {
      spinner.clear();
    }
    throw new IllegalStateException("edge agents did not all register within " + timeout.toSeconds() + " s; see " + plan.logsHint());
  }

  /** The end of an agent's log, for the error that it exited: what it said last is usually why. */
  private static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.isEmpty() ? "" : ":\n    " + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }

  /** Applies the plan's DistributedModel and FederatedTraining, as kubectl would; returns the created training. */
  FederatedTraining applyResources() {
    client().resource(plan.model()).create();
    FederatedTraining training = client().resource(plan.training()).create();
    console.printf("  applied         DistributedModel/%s, FederatedTraining/%s%n%n", training.getSpec().modelRef,
        training.getMetadata().getName());
    return training;
  }

  /** Kills the last site's agent at once, as a crashed box would vanish; returns the site's name. */
  String killLastSite() {
    AgentProcess victim = agents.stream().filter(a -> a.site().startsWith("site-")).reduce((a, b) -> b).orElseThrow();
    victim.kill();
    return victim.site();
  }

  /** Stops the agents (the training ended) while the API server and bridge stay up for the report. */
  void stopAgents() {
    agents.forEach(AgentProcess::close);
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        // keep closing the rest: one part failing to stop must not leave the others running
        if (failure == null) {
          failure = new IllegalStateException("stopping the local mesh: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(killAgentsOnExit);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
