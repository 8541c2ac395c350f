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
 * simulation is the bridge's own solver and CPU kernel, run in this process one task at a time on
 * a grid fine enough (128 by default) that a task's thread CPU time is tens of milliseconds, not
 * timer noise; the solver's cell updates are counted beside it as a load-independent check.
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

  @Option(names = "--grid", defaultValue = "128", description = "Solver grid points per side, for the sites' readings, the test set"
      + " and every task (default: ${DEFAULT-VALUE}; the local mesh uses 32, where a task takes well under a millisecond).")
  int grid;

  @Option(names = "--regions-per-parameter", defaultValue = "2", description = "The guided run's regionsPerParameter"
      + " (default: ${DEFAULT-VALUE}).")
  int regionsPerParameter;

  @Option(names = "--regions-per-burst", defaultValue = "1", description = "The guided run's regionsPerBurst: how many of the best"
      + " regions a burst spreads over (default: ${DEFAULT-VALUE}).")
  int regionsPerBurst;

  @Option(names = "--cost-aware", description = "The guided run ranks regions by score per expected task cost (costAware: true).")
  boolean costAware;

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
    String bad = grid < 8 || grid > 1024 ? "--grid must be in [8, 1024] (got " + grid + ")"
        : regionsPerParameter < 1 || regionsPerParameter > 8 ? "--regions-per-parameter must be in [1, 8], as the operator's"
            + " adaptiveSimulation.regionsPerParameter (got " + regionsPerParameter + ")"
        : regionsPerBurst < 1 || regionsPerBurst > 64 ? "--regions-per-burst must be in [1, 64], as the operator's"
            + " adaptiveSimulation.regionsPerBurst (got " + regionsPerBurst + ")" : null;
    if (bad != null) {
      System.err.println(bad);
      return 2;
    }
    Result r = run();
    AdaptiveCampaign.Outcome uniform = r.uniform();
    AdaptiveCampaign.Outcome guided = r.guided();
    String reached = uniform.reached() && guided.reached() ? "both" : uniform.reached() ? "uniform-only"
        : guided.reached() ? "guided-only" : "neither";
    System.out.printf(Locale.ROOT, "RESULT adaptive core_seconds_ratio=%.3f guided_core_s=%.3f uniform_core_s=%.3f target_r2=%.2f"
        + " reached=%s acquisition=%s regions_per_parameter=%d regions_per_burst=%d cost_aware=%s grid=%d cell_updates_ratio=%.3f"
        + " guided_bursts=%d uniform_bursts=%d guided_tasks=%d uniform_tasks=%d guided_r2=%.3f uniform_r2=%.3f%n",
        guided.coreSeconds() / uniform.coreSeconds(), guided.coreSeconds(), uniform.coreSeconds(), target, reached, acquisition,
        regionsPerParameter, regionsPerBurst, costAware, grid, guided.cellUpdates() / uniform.cellUpdates(), guided.steps().size(),
        uniform.steps().size(), guided.steps().size() * tasks, uniform.steps().size() * tasks, guided.finalR2(), uniform.finalR2());
    return 0;
  }

  /** Both campaigns of one run, from the same start. */
  record Result(AdaptiveCampaign.Outcome uniform, AdaptiveCampaign.Outcome guided) {}

  /** The uniform campaign, then the guided one, each printed burst by burst as it ends. */
  Result run() {
    PlumeData gen = new PlumeData(seed, grid);
    List<Dataset> parts = new ArrayList<>();
    for (int i = 0; i < SITES; i++) {
      parts.add(gen.site(i, SITES, siteSamples, "site-" + i));
    }
    Dataset start = CsvDatasetReader.concat(parts.get(0).source(), parts);
    Dataset test = new PlumeData(seed + 1, grid).test(2000, "test");
    ModelDescription model = new ModelResolver().resolve(plumeModel(gen)).spec();
    LocalTraining training = LocalTraining.newBuilder().setEpochs(epochs).setBatchSize(32).setLearningRate(0.003)
        .setOptimizer("adam").setSeed(seed).build();
    // the same start for both runs: a model trained on the sites' data alone
    float[] initial = new DjlTrainer().train(model, InitialModel.of(model, seed).weights(), start, training, seed).weights();
    SimulationBurstSpec template = template();
    System.out.printf(Locale.ROOT, "adaptive: plume %s, start %d site readings, bursts of %d tasks x %d readings (grid %d), %d"
        + " epochs after each, target test R^2 %.2f, DJL on %s%n", model, start.rows(), tasks, SAMPLES_PER_TASK, grid,
        epochs, target, DjlTrainer.device());
    // warm the solver's code before anything is timed: the first run must not pay for the JIT alone
    for (int i = 0; i < 20; i++) {
      PlumeData.task(java.util.Map.of("windX", 0.5), SAMPLES_PER_TASK, i, "warm-up", Math.min(grid, 64));
    }
    AdaptiveCampaign campaign = new AdaptiveCampaign(model, initial, start, test, training, template, SAMPLES_PER_TASK, grid);
    AdaptiveSimulation uniformSpec = new AdaptiveSimulation();
    uniformSpec.acquisition = AdaptiveSimulation.Acquisition.UNIFORM;
    AdaptiveSimulation guidedSpec = new AdaptiveSimulation();
    guidedSpec.acquisition = acquisition.equals("error") ? AdaptiveSimulation.Acquisition.ERROR
        : AdaptiveSimulation.Acquisition.UNCERTAINTY;
    guidedSpec.regionsPerParameter = regionsPerParameter;
    guidedSpec.regionsPerBurst = regionsPerBurst;
    guidedSpec.costAware = costAware;
    AdaptiveCampaign.Outcome uniform = report(campaign.run(uniformSpec, target, maxBursts, seed));
    AdaptiveCampaign.Outcome guided = report(campaign.run(guidedSpec, target, maxBursts, seed));
    return new Result(uniform, guided);
  }

  private static AdaptiveCampaign.Outcome report(AdaptiveCampaign.Outcome o) {
    for (AdaptiveCampaign.Step s : o.steps()) {
      System.out.printf(Locale.ROOT, "  %-11s burst %2d  %7.3f core-s (total %7.3f)  %,6d samples  test R^2 %.3f  %s%n", o.acquisition(),
          s.burst(), s.coreSeconds(), s.totalCoreSeconds(), s.samples(), s.r2(), brief(s.region()));
    }
    System.out.printf(Locale.ROOT, "  %s: %s after %.4f core-s of simulation%n", o.acquisition(), o.reached() ? "reached the target"
        : "did not reach the target", o.coreSeconds());
    return o;
  }

  /** The first of a spread burst's regions and how many more: the full list is the operator's placement. */
  static String brief(String regions) {
    String[] all = regions.split("; ");
    return all.length == 1 ? regions : all[0] + " (+" + (all.length - 1) + " more)";
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
    s.application.grid = grid;
    s.application.steps = 1; // the fewest stable steps, as the tasks run them
    s.application.samplesPerTask = SAMPLES_PER_TASK;
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
