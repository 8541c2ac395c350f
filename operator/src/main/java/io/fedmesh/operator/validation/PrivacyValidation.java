package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.ArrayList;
import java.util.List;

/** What spec.privacy's accounting fields (epsilonBudget, delta) must be, each problem naming its field and the fix. */
final class PrivacyValidation {
  private PrivacyValidation() {}

  static List<String> problems(FederatedTrainingSpec.Privacy privacy) {
    List<String> p = new ArrayList<>();
    if (privacy.delta != null && !(privacy.delta > 0 && privacy.delta < 1)) {
      p.add("spec.privacy.delta must be in (0, 1) (got " + privacy.delta + "); 1e-5, or below 1/number of sites, is usual");
    }
    Double budget = privacy.epsilonBudget;
    if (budget != null) {
      if (!(budget > 0) || budget.isInfinite()) {
        p.add("spec.privacy.epsilonBudget must be a number above 0 (got " + budget + "); leave it out for no limit");
      }
      boolean clipped = privacy.clipNorm != null && privacy.clipNorm > 0;
      boolean noised = privacy.noiseMultiplier != null && privacy.noiseMultiplier > 0;
      if (!clipped || !noised) {
        p.add("spec.privacy.epsilonBudget needs spec.privacy.clipNorm > 0 and spec.privacy.noiseMultiplier > 0 (got clipNorm "
            + privacy.clipNorm + ", noiseMultiplier " + privacy.noiseMultiplier + "): without clipping and noise no epsilon bounds"
            + " what an update reveals");
      }
    }
    return p;
  }
}
