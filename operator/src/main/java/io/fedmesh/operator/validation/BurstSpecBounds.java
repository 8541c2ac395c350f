package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges and name patterns of a SimulationBurst spec as its CRD schema has them, beyond
 * spec.tasks (also a training's burstTemplate): the local cluster does not enforce the schema.
 */
public final class BurstSpecBounds {
  private static final java.util.regex.Pattern APPLICATION_NAME = java.util.regex.Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final java.util.regex.Pattern SWEEP_NAME = java.util.regex.Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  private static final java.util.regex.Pattern DNS1123 = java.util.regex.Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private BurstSpecBounds() {}

  public static List<String> problems(SimulationBurstSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return p;
    }
    name(p, "spec.clusterRef", spec.clusterRef, "HpcCluster");
    name(p, "spec.outputDataset", spec.outputDataset, "data set");
    Bounds.between(p, "spec.ranksPerTask", spec.ranksPerTask, 1, 1024);
    Bounds.between(p, "spec.gpusPerTask", spec.gpusPerTask, 0, 16);
    Bounds.between(p, "spec.walltimeSeconds", spec.walltimeSeconds, 10, 604800);
    Bounds.items(p, "spec.sweep", spec.sweep, 0, 8);
    if (spec.application != null) {
      Bounds.between(p, "spec.application.grid", spec.application.grid, 8, 8192);
      Bounds.between(p, "spec.application.steps", spec.application.steps, 1, 1_000_000);
      Bounds.between(p, "spec.application.samplesPerTask", spec.application.samplesPerTask, 1, 10000);
      if (spec.application.name != null && !APPLICATION_NAME.matcher(spec.application.name).matches()) {
        p.add("spec.application.name '" + spec.application.name + "' is not an application name of a bridge's allowlist: a lowercase"
            + " letter first, then lowercase letters, digits or '-', at most 63");
      }
    }
    if (spec.sweep != null) {
      for (int i = 0; i < spec.sweep.size(); i++) {
        String name = spec.sweep.get(i).name;
        if (name != null && !SWEEP_NAME.matcher(name).matches()) {
          p.add("spec.sweep[" + i + "].name '" + name + "' is not a parameter name: a letter or '_' first, then letters, digits or '_'");
        }
        Bounds.finite(p, "spec.sweep[" + i + "].min", spec.sweep.get(i).min);
        Bounds.finite(p, "spec.sweep[" + i + "].max", spec.sweep.get(i).max);
      }
    }
    regions(p, spec);
    if (spec.pipeline != null) {
      Bounds.between(p, "spec.pipeline.trainTasks", spec.pipeline.trainTasks, 0, 64);
      Bounds.between(p, "spec.pipeline.evaluateTasks", spec.pipeline.evaluateTasks, 0, 64);
    }
    return p;
  }

  private static void name(List<String> p, String field, String value, String what) {
    if (value != null && !value.isBlank() && !DNS1123.matcher(value).matches()) {
      p.add(field + " '" + value + "' is not a valid " + what + " name (lowercase letters, digits, '-')");
    }
  }

  /** spec.regions: at most 64 boxes of one to eight bounds, each naming a swept parameter and staying inside its range. */
  private static void regions(List<String> p, SimulationBurstSpec spec) {
    Bounds.items(p, "spec.regions", spec.regions, 0, 64);
    if (spec.regions == null) {
      return;
    }
    java.util.Map<String, SimulationBurstSpec.SweepParameter> swept = new java.util.HashMap<>();
    if (spec.sweep != null) {
      spec.sweep.forEach(sp -> swept.put(sp.name, sp));
    }
    if (spec.tasks != null && spec.regions.size() > spec.tasks) {
      p.add("spec.regions has " + spec.regions.size() + " boxes for " + spec.tasks + " tasks: a box without a task runs nothing,"
          + " list at most spec.tasks boxes");
    }
    for (int r = 0; r < spec.regions.size(); r++) {
      String at = "spec.regions[" + r + "].bounds";
      List<SimulationBurstSpec.SweepParameter> bounds = spec.regions.get(r) == null ? null : spec.regions.get(r).bounds;
      Bounds.items(p, at, bounds, 1, 8);
      if (bounds == null) {
        continue;
      }
      for (int i = 0; i < bounds.size(); i++) {
        SimulationBurstSpec.SweepParameter b = bounds.get(i);
        SimulationBurstSpec.SweepParameter whole = swept.get(b.name);
        if (whole == null) {
          p.add(at + "[" + i + "].name '" + b.name + "' is not swept: a box bounds only parameters of spec.sweep " + swept.keySet());
          continue;
        }
        Bounds.finite(p, at + "[" + i + "].min", b.min);
        Bounds.finite(p, at + "[" + i + "].max", b.max);
        if (b.min != null && b.max != null && whole.min != null && whole.max != null
            && !(b.min <= b.max && b.min >= whole.min && b.max <= whole.max)) {
          p.add(at + "[" + i + "] " + b.name + " [" + b.min + ", " + b.max + "] must lie inside the sweep's [" + whole.min + ", "
              + whole.max + "] with min <= max");
        }
      }
    }
  }
}
