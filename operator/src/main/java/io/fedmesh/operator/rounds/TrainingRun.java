package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.operator.aggregation.AggregationStrategy;
import io.fedmesh.operator.aggregation.Strategies;
import java.util.HashSet;
import java.util.Set;

/**
 * What a training's rounds keep in memory between reconciles: the global model, its version and
 * the open round. Everything else lives in status; a new operator builds
 * this again from status and the checkpoint volume ({@link TrainingRuns}).
 */
final class TrainingRun {
  final String namespace;
  final String name;
  final String uid;
  final String key;
  final ModelDescription model;
  final SimulationFeed simulation;
  /** modelRef, strategy and seed as the run started: edits of these are refused, not followed. */
  final String pinnedSpec;
  /** The DistributedModel this run trains (spec.modelRef as it started). */
  final String modelRef;
  /** How updates aggregate, as the run started (from {@link #pinnedSpec}). */
  final FederatedTrainingSpec.Strategy strategy;
  /** spec.seed as the run started (or from the uid): the initial model, site selection and sites' local seeds follow it. */
  final long seed;
  /** The strategy's one instance for this run: FedAdam's moments live in it. */
  final AggregationStrategy aggregator;
  /** BufferedAsync's own state; null for a synchronous strategy. */
  final BufferedRun buffered;
  /** Sites this training does not select for now, after repeated refusals. */
  final SiteQuarantine quarantine = new SiteQuarantine();
  /** round/site of the refusals already announced in an Event (a retried round closes more than once). */
  final Set<String> announcedRefusals = new HashSet<>();
  /** Each site's training loss in its last accepted update of this run: planned rounds rank by it (not kept over a restart). */
  final java.util.Map<String, Double> lastLoss = new java.util.concurrent.ConcurrentHashMap<>();
  float[] global;
  String version;
  /** The open round, or null between rounds (and right after a restart). */
  RoundPlan open;
  /** After a restart: the round that was open and what it had received, until that round opens again (then null). */
  Recovery recovery;
  /** A version waiting for its evaluation before its round completes, or null (not kept over a restart: the round is redone). */
  VersionEvaluations.Awaiting awaiting;

  /**
   * What this round's updates are trained from: the model version of this training object (its
   * uid), so updates persisted for an earlier training of the same name are never taken.
   */
  String base() {
    return uid + "/" + version;
  }

  TrainingRun(FederatedTraining ft, ModelDescription model, SimulationFeed simulation, String pinnedSpec, float[] global,
      String version) {
    this.namespace = ft.getMetadata().getNamespace();
    this.name = ft.getMetadata().getName();
    this.uid = ft.getMetadata().getUid();
    this.key = namespace + "/" + name;
    this.model = model;
    this.simulation = simulation;
    this.pinnedSpec = pinnedSpec;
    this.modelRef = ft.getSpec().modelRef;
    this.strategy = strategyOf(pinnedSpec, ft.getSpec().strategy);
    this.seed = seedOf(pinnedSpec, ft);
    this.aggregator = Strategies.forSpec(strategy);
    this.buffered = BufferedRun.applies(strategy) ? new BufferedRun(strategy) : null;
    this.global = global;
    this.version = version;
  }

  /** The seed pinned when the run started; a run pinned without one derives it from the uid. */
  static long seedOf(String pinnedSpec, FederatedTraining ft) {
    try {
      var seed = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().readTree(pinnedSpec).get("seed");
      return TrainingDefaults.seed(seed == null || !seed.canConvertToLong() ? null : seed.asLong(), ft.getMetadata().getUid());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("status.pinnedSpec does not read back: " + e.getMessage(), e);
    }
  }

  private static FederatedTrainingSpec.Strategy strategyOf(String pinnedSpec, FederatedTrainingSpec.Strategy fallback) {
    try {
      var node = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().readTree(pinnedSpec).get("strategy");
      return node == null || node.isNull() ? fallback
          : io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().treeToValue(node, FederatedTrainingSpec.Strategy.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("status.pinnedSpec does not read back: " + e.getMessage(), e);
    }
  }
}
