package io.fedmesh.mesh.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.sim.ReferenceSimulation;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.acquisition.BurstPlacer;
import io.fedmesh.operator.hpc.BurstRequests;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.proto.hpc.v1.TaskSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One adaptive-training campaign on the plume: from the sites' data and a model trained on it,
 * burst after burst of reference simulations (parameters from the operator's own BurstRequests
 * design, placed by its BurstPlacer), each followed by a few epochs of training on everything so
 * far, until the model reaches the target R^2 on the held-out test set or the bursts run out.
 * Core-seconds are the CPU time the simulation tasks took on this thread (one rank each); the
 * solver's cell updates (grid^2 x steps per task) are summed beside them.
 */
final class AdaptiveCampaign {
  /** One burst's outcome. */
  record Step(int burst, String region, double coreSeconds, double totalCoreSeconds, double r2, int samples) {}

  /** The whole campaign: reached the target after {@code coreSeconds} of simulation, or not at all. */
  record Outcome(String acquisition, boolean reached, double coreSeconds, double cellUpdates, List<Step> steps) {
    double finalR2() {
      return steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).r2();
    }
  }

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private final ModelDescription model;
  private final float[] initial;
  private final Dataset start;
  private final Dataset test;
  private final double variance;
  private final LocalTraining training;
  private final SimulationBurstSpec template;
  private final int samplesPerTask;
  private final int grid;

  AdaptiveCampaign(ModelDescription model, float[] initial, Dataset start, Dataset test, LocalTraining training,
      SimulationBurstSpec template, int samplesPerTask, int grid) {
    this.grid = grid;
    this.model = model;
    this.initial = initial;
    this.start = start;
    this.test = test;
    this.variance = variance(test.y());
    this.training = training;
    this.template = template;
    this.samplesPerTask = samplesPerTask;
  }

  Outcome run(AdaptiveSimulation a, double target, int maxBursts, long seed) {
    DjlTrainer trainer = new DjlTrainer();
    List<float[]> versions = new ArrayList<>();
    versions.add(initial);
    List<Dataset> sims = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    double spent = 0;
    double cells = 0;
    for (int burst = 1; burst <= maxBursts; burst++) {
      Dataset simulated = sims.isEmpty() ? null : CsvDatasetReader.concat(sims.get(0).source(), sims);
      BurstPlacer.Placed placed = BurstPlacer.place(a, template, model, versions, simulated, seed + burst);
      double burstCpu = 0;
      for (TaskSpec task : BurstRequests.of(burst(placed.spec(), burst), null, null).getTasksList()) {
        Map<String, Double> point = new LinkedHashMap<>(task.getParams().getValuesMap());
        long c0 = CPU.getCurrentThreadCpuTime();
        sims.add(PlumeData.task(point, samplesPerTask, seed * 1000 + burst * 100 + sims.size(), task.getName(), grid));
        burstCpu += (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
        cells += ReferenceSimulation.cellUpdates(point, grid, 1);
      }
      spent += burstCpu;
      List<Dataset> all = new ArrayList<>(sims);
      all.add(0, start);
      Dataset pool = CsvDatasetReader.concat(start.source(), all);
      float[] w = trainer.train(model, versions.get(versions.size() - 1), pool, training, seed + burst).weights();
      versions.add(w);
      double r2 = 1 - ModelEvaluator.evaluate(model, w, test).metric() / variance;
      steps.add(new Step(burst, placed.placement().region, burstCpu, spent, r2, pool.rows()));
      if (r2 >= target) {
        return new Outcome(placed.placement().acquisition, true, spent, cells, steps);
      }
    }
    return new Outcome(a.acquisition == null ? "uniform" : a.acquisition.name().toLowerCase(), false, spent, cells, steps);
  }

  private static SimulationBurst burst(SimulationBurstSpec spec, int index) {
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("bench-sim-" + index).withNamespace("bench").withUid("bench-" + index).build());
    b.setSpec(spec);
    return b;
  }

  static double variance(float[] y) {
    return io.fedmesh.common.data.LabelStats.variance(y);
  }
}
