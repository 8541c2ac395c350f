package io.fedmesh.operator.rounds;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.acquisition.BurstPlacer;
import io.fedmesh.operator.acquisition.CoreHours;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.SimulationData;
import io.fedmesh.operator.status.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training's simulation data, round by round: the bursts it asks for (spec.adaptiveSimulation)
 * and the samples of those it draws on (those and spec.simulationDataFrom), published on the
 * coordinator for its simulation learner.
 */
final class SimulationFeed {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationFeed.class);

  private final KubernetesClient client;
  private final Federation federation;
  private final EventRecorder events;
  private final SimulationSources sources;
  private final String namespace;
  private final String name;
  private final String uid;
  private final String key;
  /** status.burstsRequested: carried by every status write, so kept here. */
  private final List<String> requested = new CopyOnWriteArrayList<>();
  /** status.burstPlacements: where each requested burst went and why. */
  private final List<FederatedTrainingStatus.BurstPlacement> placements = new CopyOnWriteArrayList<>();
  /** The latest model versions, oldest first, for the uncertainty acquisition's ensemble (not kept across restarts). */
  private final java.util.ArrayDeque<float[]> versions = new java.util.ArrayDeque<>();
  private static final int MAX_VERSIONS = 16;
  /** Said once: the budget stopped a burst. */
  private boolean budgetReported;
  /** The last round the trigger was asked about. */
  private int triggerCheckedFor;

  SimulationFeed(KubernetesClient client, Federation federation, EventRecorder events, FederatedTraining training,
      java.util.function.Function<String, java.util.Optional<SimulationBurst>> bursts) {
    this.client = client;
    this.federation = federation;
    this.events = events;
    this.namespace = training.getMetadata().getNamespace();
    this.name = training.getMetadata().getName();
    this.uid = training.getMetadata().getUid();
    this.key = namespace + "/" + name;
    this.sources = new SimulationSources(bursts, namespace);
    if (training.getStatus() != null && training.getStatus().burstsRequested != null) {
      requested.addAll(training.getStatus().burstsRequested);
    }
    if (training.getStatus() != null && training.getStatus().burstPlacements != null) {
      placements.addAll(training.getStatus().burstPlacements);
    }
  }

  /** The bursts requested so far, for status.burstsRequested. */
  List<String> requested() {
    return List.copyOf(requested);
  }

  /** status.burstPlacements. */
  List<FederatedTrainingStatus.BurstPlacement> placements() {
    return List.copyOf(placements);
  }

  /** status.coreHoursRequested. */
  double coreHoursRequested() {
    return placements.stream().mapToDouble(p -> p.coreHours == null ? 0 : p.coreHours).sum();
  }

  /**
   * Before a round opens: request a burst if the trigger fires (once per round, however often the
   * round tries to open while it waits for sites or bursts), then publish any new samples.
   *
   * @param global the model the round starts from (joins the ensemble of recent versions)
   */
  void beforeRound(FederatedTraining ft, ModelDescription spec, List<RoundRecord> history, int round, float[] global) {
    if (global != null && (versions.isEmpty() || versions.peekLast() != global)) {
      versions.addLast(global);
      if (versions.size() > MAX_VERSIONS) {
        versions.removeFirst();
      }
    }
    if (round > triggerCheckedFor) {
      triggerCheckedFor = round;
      requestIfTriggered(ft, spec, history, round);
    }
    publish(ft, round);
  }

  /** Bursts this training requested that have not ended: the last round waits for their samples. */
  List<String> unfinishedRequested() {
    return sources.unfinished(requested);
  }

  /** The training ended: its samples are no longer served. */
  void close() {
    federation.simulationData.remove(key);
  }

  /**
   * spec.adaptiveSimulation: when the trigger fires (and maxBursts allows), creates a SimulationBurst
   * from the template, owned by this training, named {@code <training>-sim-<k>} so a restarted
   * operator finds it instead of creating another.
   */
  private void requestIfTriggered(FederatedTraining ft, ModelDescription spec, List<RoundRecord> history, int round) {
    FederatedTrainingSpec.AdaptiveSimulation a = ft.getSpec().adaptiveSimulation;
    if (a == null || a.burstTemplate == null) {
      return;
    }
    RoundRecord last = history.isEmpty() ? null : history.get(history.size() - 1);
    long cohort = last == null || last.samples == null ? 0 : last.samples;
    var why = AdaptiveTrigger.fire(a, history, spec.task() == TaskKind.CLASSIFICATION, cohort, requested.size());
    if (why.isEmpty()) {
      return;
    }
    String burstName = name + "-sim-" + (requested.size() + 1);
    SimulationBurst burst = new SimulationBurst();
    burst.setMetadata(new ObjectMetaBuilder().withName(burstName).withNamespace(namespace)
        .addToLabels(FedmeshApi.LABEL_TRAINING, name)
        .addNewOwnerReference().withApiVersion(FedmeshApi.API_VERSION).withKind("FederatedTraining").withName(name)
        .withUid(uid).withController(true).withBlockOwnerDeletion(false).endOwnerReference().build());
    if (!CoreHours.fits(a.coreHourBudget, coreHoursRequested(), CoreHours.reserved(a.burstTemplate))) {
      if (!budgetReported) {
        budgetReported = true;
        events.normal(ft, "BurstBudgetReached", String.format(java.util.Locale.ROOT, "%s fired but a burst reserves %.3f core-hours"
            + " and %.3f of spec.adaptiveSimulation.coreHourBudget %s are spent: no more bursts", why.get(),
            CoreHours.reserved(a.burstTemplate), coreHoursRequested(), a.coreHourBudget));
      }
      return;
    }
    var placed = place(ft, a, spec);
    SimulationBurstSpec bs = placed.spec();
    if (a.clusterRef != null && !a.clusterRef.isBlank()) {
      bs.clusterRef = a.clusterRef; // else the template's own, or (unset) the namespace's default HpcCluster
    }
    burst.setSpec(bs);
    try {
      client.resources(SimulationBurst.class).inNamespace(namespace).resource(burst).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      LOG.info("{}: burst {} already exists (requested before a restart)", key, burstName);
    }
    requested.add(burstName);
    placed.placement().burst = burstName;
    placed.placement().round = round;
    placements.add(placed.placement());
    String where = bs.clusterRef == null ? " on the default HpcCluster" : " on HpcCluster " + bs.clusterRef;
    events.normal(ft, "BurstRequested", burstName + where + ": " + why.get() + "; placed: " + placed.placement().region + " ("
        + placed.placement().reason + ")");
    LOG.info("{}: requested SimulationBurst {} ({})", key, burstName, why.get());
  }

  /** Where the next burst goes (spec.adaptiveSimulation.acquisition), judged by the samples of the bursts so far. */
  private BurstPlacer.Placed place(FederatedTraining ft, FederatedTrainingSpec.AdaptiveSimulation a, ModelDescription spec) {
    boolean guided = a.acquisition != null && a.acquisition != FederatedTrainingSpec.AdaptiveSimulation.Acquisition.UNIFORM;
    List<String> names = new ArrayList<>(ft.getSpec().simulationDataFrom == null ? List.of() : ft.getSpec().simulationDataFrom);
    names.addAll(requested);
    String label = ft.getSpec().localTraining == null || ft.getSpec().localTraining.labelColumn == null ? "label"
        : ft.getSpec().localTraining.labelColumn;
    var samples = guided ? sources.samples(names, label).orElse(null) : null;
    try {
      return BurstPlacer.place(a, a.burstTemplate, spec, List.copyOf(versions), samples, requested.size() + 1L);
    } catch (IllegalArgumentException e) {
      // samples that cannot be scored (a swept parameter that is no column): the burst still runs, over the whole sweep
      LOG.warn("{}: acquisition {} cannot score the regions: {}", key, a.acquisition, e.getMessage());
      FederatedTrainingSpec.AdaptiveSimulation uniform = Serialization.jsonMapper().convertValue(a,
          FederatedTrainingSpec.AdaptiveSimulation.class);
      uniform.acquisition = FederatedTrainingSpec.AdaptiveSimulation.Acquisition.UNIFORM;
      BurstPlacer.Placed placed = BurstPlacer.place(uniform, a.burstTemplate, spec, List.of(), null, 0);
      placed.placement().acquisition = a.acquisition.name().toLowerCase(java.util.Locale.ROOT);
      placed.placement().reason = "cannot score the regions (" + e.getMessage() + "), so the whole sweep";
      return placed;
    }
  }

  /** Publishes the joined samples when they changed; a new version joins training from this round on. */
  private void publish(FederatedTraining ft, int round) {
    List<String> names = new ArrayList<>(ft.getSpec().simulationDataFrom == null ? List.of() : ft.getSpec().simulationDataFrom);
    names.addAll(requested);
    if (names.isEmpty()) {
      return;
    }
    var data = sources.collect(names);
    if (data.isEmpty()) {
      return;
    }
    String current = federation.simulationData.get(key).map(SimulationData.Published::version).orElse(null);
    if (!data.get().version().equals(current)) {
      federation.simulationData.publish(key, data.get());
      events.normal(ft, "SimulationDataJoined", data.get().samples() + " samples from " + data.get().bursts()
          + " join training from round " + round + " through the simulation learner");
      LOG.info("{}: simulation data {} ({} samples from {}) joins from round {}", key, data.get().version(),
          data.get().samples(), data.get().bursts(), round);
    }
  }
}
