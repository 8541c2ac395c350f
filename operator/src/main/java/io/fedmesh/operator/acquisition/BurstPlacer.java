package io.fedmesh.operator.acquisition;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation.Acquisition;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.BurstPlacement;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses where a requested burst goes (spec.adaptiveSimulation.acquisition): uniform keeps the
 * template's whole sweep; error and uncertainty score every region of the sweep through the
 * model ({@link RegionScores}) and narrow the burst's sweep to the worst one, or spread it over the
 * regionsPerBurst worst ones (spec.regions); costAware ranks by score per expected task cost
 * ({@link RegionRanking}). With nothing to judge
 * by yet (no samples, or fewer model versions than an ensemble needs) the burst is uniform and the
 * placement says why.
 */
public final class BurstPlacer {
  /** The burst to create, and where and why. */
  public record Placed(SimulationBurstSpec spec, BurstPlacement placement) {}

  private BurstPlacer() {}

  /**
   * @param samples the simulation samples so far (null or empty: none yet)
   * @param versions the latest model versions, oldest first; the last is the current model
   */
  public static Placed place(AdaptiveSimulation a, SimulationBurstSpec template, ModelDescription model, List<float[]> versions,
      Dataset samples, long seed) {
    SimulationBurstSpec spec = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().convertValue(template,
        SimulationBurstSpec.class);
    BurstPlacement p = new BurstPlacement();
    Acquisition acq = a.acquisition == null ? Acquisition.UNIFORM : a.acquisition;
    p.acquisition = acq.name().toLowerCase(Locale.ROOT);
    p.coreHours = CoreHours.reserved(spec);
    p.region = "whole sweep";
    if (acq == Acquisition.UNIFORM) {
      p.reason = "acquisition uniform: the template's whole sweep";
      return new Placed(spec, p);
    }
    if (model.task() != io.fedmesh.common.model.TaskKind.REGRESSION) {
      p.reason = p.acquisition + ": scores a regression's predictions and this model classifies, so the whole sweep";
      return new Placed(spec, p);
    }
    if (samples == null || samples.rows() == 0 || versions.isEmpty()) {
      p.reason = acq.name().toLowerCase(Locale.ROOT) + ": no simulation samples yet to judge the model by, so the whole sweep";
      return new Placed(spec, p);
    }
    int ensemble = a.ensembleSize == null ? 4 : a.ensembleSize;
    if (acq == Acquisition.UNCERTAINTY && versions.size() < 2) {
      p.reason = "uncertainty: one model version so far, an ensemble needs two, so the whole sweep";
      return new Placed(spec, p);
    }
    Regions regions = new Regions(spec.sweep, a.regionsPerParameter == null ? 2 : a.regionsPerParameter);
    int[] columns = RegionScores.columns(samples, regions);
    double[] scores = acq == Acquisition.ERROR
        ? RegionScores.error(model, versions.get(versions.size() - 1), samples, regions, columns)
        : RegionScores.uncertainty(model, versions.subList(Math.max(0, versions.size() - ensemble), versions.size()), samples,
            regions, columns, seed);
    boolean costAware = Boolean.TRUE.equals(a.costAware);
    int k = Math.max(1, Math.min(a.regionsPerBurst == null ? 1 : a.regionsPerBurst, spec.tasks == null ? 1 : spec.tasks));
    RegionRanking.Ranked ranked = RegionRanking.top(scores, costAware ? RegionRanking.relativeCosts(regions, spec) : null, k);
    if (ranked.chosen().isEmpty()) {
      p.reason = p.acquisition + ": no region could be scored, so the whole sweep";
      return new Placed(spec, p);
    }
    List<Regions.Region> chosen = ranked.chosen().stream().map(regions.all()::get).toList();
    if (chosen.size() == 1) {
      for (SimulationBurstSpec.SweepParameter sp : spec.sweep) {
        double[] b = chosen.get(0).bounds().get(sp.name);
        sp.min = b[0];
        sp.max = b[1];
      }
    } else {
      spec.regions = chosen.stream().map(BurstPlacer::box).toList();
    }
    int best = ranked.chosen().get(0);
    p.region = String.join("; ", chosen.stream().map(Regions.Region::describe).toList());
    p.score = ranked.values()[best];
    p.runnerUpScore = Double.isNaN(ranked.runnerUp()) ? null : ranked.runnerUp();
    String what = acq == Acquisition.ERROR ? "mean squared error on " + samples.rows() + " simulation samples"
        : "prediction variance across " + Math.min(ensemble, versions.size()) + " model versions";
    String per = costAware ? " per expected task cost (the solver's cell updates at the region's centre"
        + (spec.application == null || spec.application.type == SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION ? ")"
            : "; an application's cost is unknown, so every region costs the same)") : "";
    p.reason = chosen.size() == 1
        ? String.format(Locale.ROOT, "%s: region %d of %d scores %.4g (next best %.4g), %s%s", p.acquisition, best, scores.length,
            p.score, ranked.runnerUp(), what, per)
        : String.format(Locale.ROOT, "%s: the %d best of %d regions %s (scores %.4g to %.4g, next best %.4g), %s%s; the tasks spread"
            + " over them round robin", p.acquisition, chosen.size(), scores.length, ranked.chosen(), p.score,
            ranked.values()[ranked.chosen().get(chosen.size() - 1)], ranked.runnerUp(), what, per);
    return new Placed(spec, p);
  }

  private static SimulationBurstSpec.SweepRegion box(Regions.Region region) {
    SimulationBurstSpec.SweepRegion box = new SimulationBurstSpec.SweepRegion();
    region.bounds().forEach((name, b) -> {
      SimulationBurstSpec.SweepParameter sp = new SimulationBurstSpec.SweepParameter();
      sp.name = name;
      sp.min = b[0];
      sp.max = b[1];
      box.bounds.add(sp);
    });
    return box;
  }

  /** The region bounds a placement swept, by parameter, for tests and reports. */
  public static Map<String, double[]> bounds(SimulationBurstSpec spec) {
    Map<String, double[]> out = new java.util.LinkedHashMap<>();
    spec.sweep.forEach(sp -> out.put(sp.name, new double[] {sp.min, sp.max}));
    return out;
  }
}
