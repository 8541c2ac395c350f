package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.SiteSession;
import io.fedmesh.operator.placement.LabelSelectors;
import io.fedmesh.operator.placement.ParticipantSelector.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The sites that may take part in a training's next round: EdgeSites from the informer cache
 * (not cordoned, matching the site selector) whose agent is connected and available. The
 * simulation learner serves every training that has simulation samples.
 */
final class Candidates {
  /** Eligible sites, and which of them are simulation learners. */
  record Eligible(List<Candidate> sites, List<String> simulationLearners) {
    int size() {
      return sites.size();
    }

    double bandwidthOf(String site) {
      return sites.stream().filter(c -> c.site().equals(site)).mapToDouble(Candidate::bandwidthMbps).findFirst().orElse(0);
    }
  }

  private final Federation federation;
  private final Function<String, List<EdgeSite>> sitesInNamespace;

  Candidates(Federation federation, Function<String, List<EdgeSite>> sitesInNamespace) {
    this.federation = federation;
    this.sitesInNamespace = sitesInNamespace;
  }

  Eligible of(FederatedTraining ft) {
    return of(ft, site -> false);
  }

  /** A site's upload rate in Mbit/s: measured in its last round (its forecast), else its link's; 0 when neither is known. */
  double uploadMbps(String namespace, String site, Eligible eligible) {
    return federation.forecasts.latest(namespace + "/" + site).map(f -> f.uploadMbps).filter(m -> m != null && m > 0)
        .orElse(eligible.bandwidthOf(site));
  }

  /** The EdgeSite's metadata.generation from the cache, null when it is not there. */
  Long generationOf(String namespace, String site) {
    return find(namespace, site).map(e -> e.getMetadata().getGeneration()).orElse(null);
  }

  java.util.Optional<EdgeSite> find(String namespace, String site) {
    return sitesInNamespace.apply(namespace).stream().filter(e -> site.equals(e.getMetadata().getName())).findFirst();
  }

  /**
   * Sites whose EdgeSite says Ready (not cordoned, matching the selector), connected to this
   * operator or not: after a restart a site is Ready before it reconnects, and may still deliver.
   */
  java.util.Set<String> readySites(FederatedTraining ft) {
    var selector = ft.getSpec().participants == null ? null : ft.getSpec().participants.siteSelector;
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (EdgeSite site : sitesInNamespace.apply(ft.getMetadata().getNamespace())) {
      boolean cordoned = site.getSpec() != null && Boolean.TRUE.equals(site.getSpec().cordoned);
      boolean ready = site.getStatus() != null && site.getStatus().phase == io.fedmesh.api.v1alpha1.EdgeSiteStatus.Phase.Ready;
      boolean evaluator = site.getSpec() != null && site.getSpec().evaluator();
      if (!cordoned && ready && !evaluator && !isSimulationLearner(site) && LabelSelectors.matches(selector, site.getMetadata().getLabels())) {
        out.add(site.getMetadata().getName());
      }
    }
    return out;
  }

  /** @param quarantined sites this training does not select now */
  Eligible of(FederatedTraining ft, java.util.function.Predicate<String> quarantined) {
    String namespace = ft.getMetadata().getNamespace();
    String key = namespace + "/" + ft.getMetadata().getName();
    var selector = ft.getSpec().participants == null ? null : ft.getSpec().participants.siteSelector;
    List<Candidate> out = new ArrayList<>();
    List<String> learners = new ArrayList<>();
    for (EdgeSite site : sitesInNamespace.apply(namespace)) {
      if (site.getSpec() != null && (Boolean.TRUE.equals(site.getSpec().cordoned) || site.getSpec().evaluator())) {
        continue; // an evaluator never trains
      }
      if (quarantined.test(site.getMetadata().getName())) {
        continue;
      }
      boolean learner = isSimulationLearner(site);
      if (!learner && !LabelSelectors.matches(selector, site.getMetadata().getLabels())) {
        continue;
      }
      SiteSession session = federation.sites.get(namespace, site.getMetadata().getName()).orElse(null);
      if (session == null || !session.available()) {
        continue;
      }
      long samples = session.samples();
      if (learner) {
        // the cloud-side learner trains on the training's simulation samples, so only once there are some
        var data = federation.simulationData.get(key);
        if (data.isEmpty()) {
          continue;
        }
        samples = data.get().samples();
        learners.add(session.site());
      }
      Federation.Reliability r = federation.reliability(session.key());
      out.add(new Candidate(session.site(), samples, session.link().getRttMs(), session.link().getBandwidthMbps(), r.completed(),
          r.missed()));
    }
    return new Eligible(out, learners);
  }

  static boolean isSimulationLearner(EdgeSite site) {
    var labels = site.getMetadata().getLabels();
    return labels != null && FedmeshApi.ROLE_SIMULATION_LEARNER.equals(labels.get(FedmeshApi.LABEL_ROLE));
  }
}
