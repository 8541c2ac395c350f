package io.fedmesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.HpcClusterStatus;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.hpc.BridgeClient;
import io.fedmesh.operator.rounds.TrainingRounds;
import io.fedmesh.operator.rounds.TrainingRuns;
import io.fedmesh.operator.rounds.TrainingWakeups;
import io.fedmesh.operator.sites.ResourceCache;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.fedmesh.operator.status.CoalescingStatusWriter;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusRecorder;
import java.time.Clock;
import java.time.Duration;

/**
 * What reconcilers and the coordinator share within one operator process: the informer caches
 * every reader uses instead of LIST calls, the one status owner of each kind, the coordinator's
 * state and the rounds.
 */
public record OperatorContext(KubernetesClient client, OperatorConfig config, Federation federation, CheckpointStore checkpoints,
    EventRecorder events, OperatorMetrics metrics, BridgeClient bridges,
    ResourceCache<EdgeSite> sites, ResourceCache<DistributedModel> models, ResourceCache<FederatedTraining> trainings,
    ResourceCache<SimulationBurst> bursts,
    CoalescingStatusWriter<FederatedTrainingStatus, FederatedTraining> trainingStatus,
    StatusRecorder<DistributedModelStatus, DistributedModel> modelStatus,
    CoalescingStatusWriter<DistributedModelStatus, DistributedModel> modelVersions,
    StatusRecorder<EdgeSiteStatus, EdgeSite> siteRecorder, SiteStatusWriter siteStatus,
    StatusRecorder<HpcClusterStatus, HpcCluster> clusterStatus, StatusRecorder<SimulationBurstStatus, SimulationBurst> burstStatus,
    TrainingRounds rounds, TrainingWakeups wakeups, io.fedmesh.operator.validation.ModelResolver resolver) implements AutoCloseable {

  /** How often link and resource figures of a site reach its status (phase changes go at once). */
  static Duration statusRefresh(OperatorConfig config) {
    return Duration.ofMillis(Math.max(3000, config.heartbeatTimeout().toMillis() / 2));
  }

  public static OperatorContext create(KubernetesClient client, OperatorConfig config, OperatorMetrics metrics) {
    return create(client, config, metrics, statusRefresh(config));
  }

  public static OperatorContext create(KubernetesClient client, OperatorConfig config, OperatorMetrics metrics, Duration siteRefresh) {
    String ns = config.watchAllNamespaces() ? null : config.namespace();
    Federation federation = new Federation(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(config.checkpointDir()),
        new io.fedmesh.operator.coordinator.UploadWindow(io.fedmesh.operator.validation.MemoryBudget.uploadWindowBytes(
            config.memoryBudgetBytes())));
    EventRecorder events = new EventRecorder(client);
    CheckpointStore checkpoints = new CheckpointStore(config.checkpointDir());
    ResourceCache<EdgeSite> sites = ResourceCache.start(client, EdgeSite.class, ns, null, null);
    ResourceCache<DistributedModel> models = ResourceCache.start(client, DistributedModel.class, ns, null, null);
    ResourceCache<SimulationBurst> bursts = ResourceCache.start(client, SimulationBurst.class, ns, null, null);
    // a deleted training's run and status cache go with it (no finalizer: nothing outside this process to clean)
    var forgetTraining = new java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<String>>(k -> { });
    ResourceCache<FederatedTraining> trainings = ResourceCache.start(client, FederatedTraining.class, ns, null,
        gone -> forgetTraining.get().accept(ResourceCache.key(gone)));
    var trainingStatus = new CoalescingStatusWriter<>(
        new StatusRecorder<>(client, FederatedTraining.class, FederatedTrainingStatus.class, trainings::get), FederatedTraining.class,
        "fedmesh-training-status");
    var modelStatus = new StatusRecorder<>(client, DistributedModel.class, DistributedModelStatus.class, models::get);
    var siteRecorder = new StatusRecorder<>(client, EdgeSite.class, EdgeSiteStatus.class, sites::get);
    SiteStatusWriter siteStatus = new SiteStatusWriter(siteRecorder, siteRefresh, Clock.systemUTC());
    // versions from many trainings of one model coalesce into one write, off the reconcile path
    var modelVersions = new CoalescingStatusWriter<>(modelStatus, DistributedModel.class, "fedmesh-model-versions");
    // who serves what: planned from the caches on every heartbeat ack, reported back into status.servingSites
    federation.serving.plannedBy((namespace, site) -> sites.get(namespace + "/" + site)
        .map(s -> io.fedmesh.operator.serving.ServingPlan.forSite(s, models.inNamespace(namespace))).orElse(java.util.List.of()));
    federation.serving.versionsFrom(new io.fedmesh.operator.serving.CheckpointVersions(checkpoints));
    var servingStatus = new io.fedmesh.operator.serving.ServingStatus(federation.serving, sites::inNamespace, models::inNamespace,
        modelVersions, (namespace, site) -> federation.sites.get(namespace, site).map(s -> s.offline()).orElse(true));
    federation.serving.onReport((namespace, site, serving) -> servingStatus.siteReported(namespace, site));
    federation.onSiteChange(servingStatus::siteReported); // a site gone Offline is no longer ready
    var resolver = new io.fedmesh.operator.validation.ModelResolver(config.modelsDir());
    TrainingRuns runs = new TrainingRuns(client, federation, checkpoints, events, bursts::get, resolver);
    TrainingRounds rounds = new TrainingRounds(runs, federation, checkpoints, events, metrics, sites::inNamespace, modelVersions, siteStatus,
        Clock.systemUTC());
    TrainingWakeups wakeups = new TrainingWakeups(runs);
    federation.inbox.onAccepted(wakeups::wake);
    federation.evaluations.onReport(wakeups::wake);
    federation.onSiteChange(wakeups::siteChanged);
    forgetTraining.set(key -> {
      rounds.deleted(key);
      trainingStatus.forget(key);
    });
    var clusterStatus = new StatusRecorder<>(client, HpcCluster.class, HpcClusterStatus.class, k -> java.util.Optional.empty());
    var burstStatus = new StatusRecorder<>(client, SimulationBurst.class, SimulationBurstStatus.class, bursts::get);
    return new OperatorContext(client, config, federation, checkpoints, events, metrics, new BridgeClient(config.tls()), sites, models, trainings,
        bursts, trainingStatus, modelStatus, modelVersions, siteRecorder, siteStatus, clusterStatus, burstStatus, rounds, wakeups, resolver);
  }

  @Override
  public void close() {
    rounds.endAll();
    trainingStatus.close();
    modelVersions.close();
    events.close();
    siteStatus.close();
    sites.close();
    models.close();
    trainings.close();
    bursts.close();
    bridges.close();
  }
}
