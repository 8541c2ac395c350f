package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.operator.acquisition.Regions;
import java.util.List;

/** spec.adaptiveSimulation's acquisition settings: the schema's bounds, and what the schema cannot say. */
final class AcquisitionCheck {
  private AcquisitionCheck() {}

  static void check(AdaptiveSimulation a, List<String> p) {
    Bounds.between(p, "spec.adaptiveSimulation.regionsPerParameter", a.regionsPerParameter, 1, 8);
    Bounds.between(p, "spec.adaptiveSimulation.ensembleSize", a.ensembleSize, 2, 16);
    Bounds.between(p, "spec.adaptiveSimulation.regionsPerBurst", a.regionsPerBurst, 1, 64);
    Bounds.atLeast(p, "spec.adaptiveSimulation.coreHourBudget", a.coreHourBudget, 0);
    boolean guided = a.acquisition != null && a.acquisition != AdaptiveSimulation.Acquisition.UNIFORM;
    if (!guided || a.burstTemplate == null) {
      return;
    }
    int swept = a.burstTemplate.sweep == null ? 0 : a.burstTemplate.sweep.size();
    if (swept == 0) {
      p.add("spec.adaptiveSimulation.acquisition " + a.acquisition.name().toLowerCase() + " needs a burstTemplate.sweep: regions are"
          + " boxes of the swept parameters");
    }
    int bins = a.regionsPerParameter == null ? 2 : a.regionsPerParameter;
    if (Math.pow(bins, swept) > Regions.MAX_REGIONS) {
      p.add("spec.adaptiveSimulation.regionsPerParameter " + bins + " over " + swept + " swept parameters makes more than "
          + Regions.MAX_REGIONS + " regions: lower regionsPerParameter or sweep fewer parameters");
    }
    if ((a.maxBursts == null ? 1 : a.maxBursts) < 2) {
      p.add("spec.adaptiveSimulation.acquisition " + a.acquisition.name().toLowerCase() + " guides the bursts after the first (the"
          + " first is uniform): set maxBursts to 2 or more");
    }
  }
}
