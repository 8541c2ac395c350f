package io.fedmesh.mesh;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.mesh.data.FashionMnistLocator;
import io.fedmesh.mesh.data.UciDigits;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.mesh.wan.ScenarioPlayer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * `fedmesh local`: the whole mesh on one machine. Embedded Kubernetes API (fabric8 mock server,
 * CRUD), the CRDs, the operator, N edge agents as separate processes each behind its own emulated
 * WAN link, the example resources applied as kubectl would; one line per round; summary.json and
 * report.html at the end. Exits 0 only when the training Succeeded.
 *
 * <p>Wiring only: {@link MeshOptions} (validated) → {@link MeshPlan} → {@link LocalMesh} →
 * {@link RunWatcher} → {@link RunReporter}.
 */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the whole mesh on this machine: embedded Kubernetes API, operator, edge agents over emulated WAN links.",
        "Writes OUT/summary.json and OUT/report.html; exits 0 only when the training Succeeded."})
public final class LocalMeshCommand implements Callable<Integer> {
  @Mixin MeshOptions options;

  private final PrintStream console = System.out;
  /** What the scenario changed during the run, for the report. */
  private java.util.List<ScenarioPlayer.Applied> scenarioEvents = java.util.List.of();

  @Override
  public Integer call() throws Exception {
    options.validate();
    Instant started = Instant.now();
    Path out = MeshOptions.resolved(options.out);
    Files.createDirectories(out.resolve("logs"));
    OperatorLogs.routeTo(out.resolve("logs/operator.log"), options.verbose, io.fedmesh.common.logging.LogFormat.parse(options.logFormat));
    MeshData data = prepareData(out.resolve("data"));
    options.requireSitesForFaults(data.siteDirs().size());
    MeshPlan plan = MeshPlan.of(options, data, out);
    console.println(plan.heading());
    console.println(plan.scenarioLine());
    StayingUp stay = null;
    try (LocalMesh mesh = LocalMesh.start(plan, console)) {
      mesh.awaitSitesReady(Duration.ofSeconds(90));
      FederatedTraining training = mesh.applyResources();
      RunWatcher.Followed last;
      try (ScenarioPlayer player = new ScenarioPlayer(plan.scenario(), plan.sites().size(), plan.rounds(), mesh)) {
        player.start();
        last = new RunWatcher(mesh, plan, console, started.plusSeconds(options.timeoutSeconds), options.timeoutSeconds, player)
            .follow(training.getMetadata().getName());
        scenarioEvents = player.applied();
      }
      RunSummary.Serving serving = LocalServing.query(mesh, plan, last.training(), console); // while the agents still serve
      if (!options.keepRunning) {
        mesh.stopAgents();
      }
      double wall = Duration.between(started, Instant.now()).toMillis() / 1000.0;
      RunSummary summary = new RunReporter(console).report(mesh, plan, last, wall, serving, scenarioEvents);
      if (options.keepRunning) {
        stay = StayingUp.untilSignalled(console, options.out.resolve("kubeconfig"));
      }
      return "Succeeded".equals(summary.phase()) ? 0 : 1;
    } finally {
      if (stay != null) {
        stay.released(); // the mesh is closed: the signal's hook may let the JVM exit
      }
    }
  }

  /** Writes the sites' data under {@code dir}: the user's --data checked and copied, or the built-in problem generated. */
  private MeshData prepareData(Path dir) throws IOException, DatasetException, InterruptedException {
    if (options.data != null) {
      return MeshData.fromDirectory(MeshOptions.resolved(options.data), options.sites, options.taskKind(), dir,
          options.labelColumn);
    }
    int sites = options.sites == null ? options.defaultSites() : options.sites;
    if (options.fashionMnist()) {
      return MeshData.fashionMnist(dir, sites, options.alpha, options.seed, new FashionMnistLocator().locateOrInstall(console));
    }
    if (options.digits()) {
      return MeshData.digits(dir, sites, options.alpha, options.seed, UciDigits.DEBIAN_FILE);
    }
    return options.plume() ? MeshData.plume(dir, sites, options.samplesPerSite, options.seed)
        : MeshData.builtIn(dir, sites, options.samplesPerSite, options.seed, options.alpha);
  }
}
