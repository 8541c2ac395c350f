package io.fedmesh.mesh.bench;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.models.InitialModel;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Adaptive training's cost: the simulation core-seconds needed to bring the plume surrogate to a
 * target test R^2, once with uniform bursts (the template's whole sweep every time) and once with
 * bursts placed by the operator's acquisition (error or uncertainty), from the same start (the
 * four sites' data, the same initial model, the same first burst) in one run. The reference
 * simulation is the bridge's own solver and CPU kernel, run in this process one task at a time.
 */
@Command(name = "adaptive", mixinStandardHelpOptions = true,
    description = "Plume surrogate: simulation core-seconds to reach --target R^2 with uniform vs model-guided bursts, one run.")
public final class AdaptiveBenchmark implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "0.9", description = "Test R^2 to reach (default: ${DEFAULT-VALUE}).")
  double target;

  @Option(names = "--acquisition", defaultValue = "error", description = "The guided run's acquisition: error or uncertainty"
      + " (default: ${DEFAULT-VALUE}).")
  String acquisition;

  @Option(names = "--tasks", defaultValue = "8", description = "Simulation tasks per burst (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--max-bursts", defaultValue = "12", description = "Bursts each run may use (default: ${DEFAULT-VALUE}).")
  int maxBursts;

  @Option(names = "--epochs", defaultValue = "4", description = "Training epochs after each burst (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--site-samples", defaultValue = "600", description = "Readings per site at the start (default: ${DEFAULT-VALUE}).")
  int siteSamples;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the data, model and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  static final int SITES = 4;
  static final int SAMPLES_PER_TASK = 150;

  @Override
  public Integer call() {
    if (!List.of("error", "uncertainty").contains(acquisition)) {
      System.err.println("--acquisition must be error or uncertainty (got " + acquisition + ")");
      return 2;
    }
    if (!(target > 0 && target < 1) || tasks < 1 || maxBursts < 1 || epochs < 1 || siteSamples < 1) {
      System.err.println("--target must be in (0, 1); --tasks, --max-bursts, --epochs and --site-samples at least 1");
      return 2;
    }
    PlumeData gen = new PlumeData(seed);
    List<Dataset> parts = new ArrayList<>();
    for (int i = 0; i < SITES; i++) {
      parts.add(gen.site(i, SITES, siteSamples, "site-" + i));
    }
    Dataset start = CsvDatasetReader.concat(parts.get(0).source(), parts);
    Dataset test = new PlumeData(seed + 1).test(2000, "test");
    ModelDescription model = new ModelResolver().resolve(plumeModel(gen)).spec();
    LocalTraining training = LocalTraining.newBuilder().setEpochs(epochs).setBatchSize(32).setLearningRate(0.003)
        .setOptimizer("adam").setSeed(seed).build();
    // the same start for both runs: a model trained on the sites' data alone
    float[] initial = new DjlTrainer().train(model, InitialModel.of(model, seed).weights(), start, training, seed).weights();
    SimulationBurstSpec template = template();
    System.out.printf(Locale.ROOT, "adaptive: plume %s, start %d site readings, bursts of %d tasks x %d readings (grid %d), %d"
        + " epochs after each, target test R^2 %.2f, DJL on %s%n", model, start.rows(), tasks, SAMPLES_PER_TASK, PlumeData.GRID,
        epochs, target, DjlTrainer.device());
    // warm the solver's code before anything is timed: the first run must not pay for the JIT alone
    for (int i = 0; i < 20; i++) {
      PlumeData.task(java.util.Map.of("windX", 0.5), SAMPLES_PER_TASK, i, "warm-up");
    }
    AdaptiveCampaign campaign = new AdaptiveCampaign(model, initial, start, test, training, template, SAMPLES_PER_TASK);
    AdaptiveSimulation uniformSpec = new AdaptiveSimulation();
    uniformSpec.acquisition = AdaptiveSimulation.Acquisition.UNIFORM;
    AdaptiveSimulation guidedSpec = new AdaptiveSimulation();
    guidedSpec.acquisition = acquisition.equals("error") ? AdaptiveSimulation.Acquisition.ERROR
        : AdaptiveSimulation.Acquisition.UNCERTAINTY;
    guidedSpec.regionsPerParameter = 2;
    AdaptiveCampaign.Outcome uniform = report(campaign.run(uniformSpec, target, maxBursts, seed));
    AdaptiveCampaign.Outcome guided = report(campaign.run(guidedSpec, target, maxBursts, seed));
    String reached = uniform.reached() && guided.reached() ? "both" : uniform.reached() ? "uniform-only"
        : guided.reached() ? "guided-only" : "neither";
    System.out.printf(Locale.ROOT, "RESULT adaptive core_seconds_ratio=%.3f guided_core_s=%.4f uniform_core_s=%.4f target_r2=%.2f"
        + " reached=%s acquisition=%s guided_bursts=%d uniform_bursts=%d guided_tasks=%d uniform_tasks=%d%n",
        guided.coreSeconds() / uniform.coreSeconds(), guided.coreSeconds(), uniform.coreSeconds(), target, reached, acquisition,
        guided.steps().size(), uniform.steps().size(), guided.steps().size() * tasks, uniform.steps().size() * tasks);
    return 0;
  }

  private static AdaptiveCampaign.Outcome report(AdaptiveCampaign.Outcome o) {
    for (AdaptiveCampaign.Step s : o.steps()) {
      System.out.printf(Locale.ROOT, "  %-11s burst %2d  %7.4f core-s (total %7.4f)  %,6d samples  test R^2 %.3f  %s%n", o.acquisition(),
          s.burst(), s.coreSeconds(), s.totalCoreSeconds(), s.samples(), s.r2(), s.region());
    }
    System.out.printf(Locale.ROOT, "  %s: %s after %.4f core-s of simulation%n", o.acquisition(), o.reached() ? "reached the target"
        : "did not reach the target", o.coreSeconds());
    return o;
  }

  private DistributedModelSpec plumeModel(PlumeData gen) {
    DistributedModelSpec m = new DistributedModelSpec();
    m.task = DistributedModelSpec.Task.REGRESSION;
    m.inputShape = List.of(11);
    m.outputShape = List.of(1);
    m.architecture = new DistributedModelSpec.Architecture();
    m.architecture.hiddenLayers = PlumeData.HIDDEN;
    m.architecture.activation = DistributedModelSpec.Architecture.Activation.TANH;
    m.scaling = PlumeData.scaling(gen.siteLabels(SITES, 250));
    return m;
  }

  private SimulationBurstSpec template() {
    SimulationBurstSpec s = new SimulationBurstSpec();
    s.tasks = tasks;
    s.ranksPerTask = 1;
    s.application.type = SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION;
    s.sweep = PlumeData.SWEEP.entrySet().stream().map(e -> {
      SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
      p.name = e.getKey();
      p.min = e.getValue()[0];
      p.max = e.getValue()[1];
      return p;
    }).toList();
    return s;
  }
}
