package io.fedmesh.operator.rounds;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.MetricValue;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.MlpEvaluator;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.AggregationStrategy;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.Strategies;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.SiteSession;
import io.fedmesh.operator.placement.LabelSelectors;
import io.fedmesh.operator.placement.ParticipantSelector;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusPatcher;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rounds of one FederatedTraining: select sites, publish the global model and the
 * assignments, wait for quorum or the deadline, aggregate, evaluate, checkpoint, record status.
 * Resumes from the round and model version in status, so a restarted operator continues.
 */
public final class TrainingRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRunner.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KubernetesClient client;
  private final Federation federation;
  private final CheckpointStore checkpoints;
  private final StatusPatcher patcher;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final String namespace;
  private final String name;
  private final String uid;
  private final String key;
  private final ParticipantSelector selector = new ParticipantSelector();
  private final SimulationFeed simulationFeed;
  /** Sites registered as simulation learners (agent --simulation-learner), as {@link #eligible} last saw them. */
  private volatile Set<String> simulationLearners = Set.of();
  private volatile boolean stopped;

  public TrainingRunner(KubernetesClient client, Federation federation, CheckpointStore checkpoints, EventRecorder events,
      OperatorMetrics metrics, FederatedTraining training) {
    this.client = client;
    this.federation = federation;
    this.checkpoints = checkpoints;
    this.patcher = new StatusPatcher(client);
    this.events = events;
    this.metrics = metrics;
    this.namespace = training.getMetadata().getNamespace();
    this.name = training.getMetadata().getName();
    this.uid = training.getMetadata().getUid();
    this.key = namespace + "/" + name;
    this.simulationFeed = new SimulationFeed(client, federation, events, training);
  }

  public String uid() {
    return uid;
  }

  public void stop() {
    stopped = true;
  }

  /** Thrown inside the loop when the runner must end without touching status. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  @Override
  public void run() {
    try {
      runTraining();
    } catch (Stopped e) {
      LOG.info("{}: runner stopped", key);
    } catch (RuntimeException e) {
      LOG.error("{}: training failed unexpectedly", key, e);
      fail("InternalError", e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      federation.assignments.withdrawAll(key);
      federation.inbox.close(key);
      simulationFeed.close();
    }
  }

  private void runTraining() {
    FederatedTraining ft = current();
    DistributedModel dm = client.resources(DistributedModel.class).inNamespace(namespace).withName(ft.getSpec().modelRef).get();
    ModelResolver.Resolved resolved = new ModelResolver().resolve(dm == null ? null : dm.getSpec());
    if (resolved.spec() == null) {
      fail("ValidationFailed", "DistributedModel " + ft.getSpec().modelRef + ": " + resolved.validation().message());
      return;
    }
    MlpSpec spec = resolved.spec();
    FederatedTrainingStatus previous = ft.getStatus();
    int done = previous == null || previous.round == null ? 0 : previous.round;
    float[] global;
    if (done > 0 && previous.modelVersion != null) {
      global = checkpoints.load(namespace, name, previous.modelVersion).orElse(null);
      if (global == null || global.length != spec.parameterCount()) {
        fail("CheckpointMissing", "status says round " + done + " (version " + previous.modelVersion + ") but checkpoint "
            + checkpoints.root().resolve(namespace).resolve(name) + " has no matching weights; restore the checkpoint volume or recreate the training");
        return;
      }
      LOG.info("{}: resuming after round {} from checkpoint {}", key, done, previous.modelVersion);
      events.normal(ft, "Resumed", "resuming after round " + done + " from checkpoint " + previous.modelVersion);
    } else {
      global = MlpParameters.initialize(spec, uid.hashCode());
    }
    Dataset evalData = loadEvaluation(ft.getSpec(), spec);
    if (stopped) {
      throw new Stopped();
    }
    List<RoundRecord> history = new ArrayList<>(previous == null || previous.history == null ? List.of() : previous.history);
    long bytesMoved = previous == null || previous.bytesMoved == null ? 0 : previous.bytesMoved;
    String startTime = previous == null || previous.startTime == null ? Conditions.now() : previous.startTime;
    String version = done == 0 ? name + "-r0" : previous.modelVersion;
    MetricValue metric = previous == null ? null : previous.metric;
    federation.drainBytes(key);

    for (int round = done + 1; round <= ft.getSpec().rounds; round++) {
      ft = current();
      simulationFeed.beforeRound(ft, spec, history, round);
      Instant opened = Instant.now();
      RoundResult result = runRound(ft, round, spec, global, version, history, startTime, bytesMoved, metric);
      if (result == null) {
        return;
      }
      Instant aggStart = Instant.now();
      AggregationStrategy strategy = Strategies.forSpec(ft.getSpec().strategy);
      float[] aggregated = strategy.aggregate(global, result.updates);
      metrics.aggregation().record(Duration.between(aggStart, Instant.now()));
      String diverged = divergence(aggregated, result.updates);
      if (diverged != null) {
        // keep the last good model and checkpoint: a retry with the same settings would diverge again
        FederatedTrainingSpec.LocalTraining lt = ft.getSpec().localTraining;
        fail("Diverged", "round " + round + ": " + diverged + "; the model stays at " + version + ". Lower"
            + " spec.localTraining.learningRate (now " + (lt == null || lt.learningRate == null ? 0.05 : lt.learningRate)
            + "), or use spec.localTraining.optimizer adam or privacy.clipNorm");
        return;
      }
      global = aggregated;
      long samples = result.updates.stream().mapToLong(ClientUpdate::samples).sum();
      double trainLoss = weightedMean(result.updates, true);
      Evaluation eval = evalData != null ? MlpEvaluator.evaluate(spec, global, evalData)
          : new Evaluation(spec.task().metricName(), weightedMean(result.updates, false), trainLoss, samples);
      version = name + "-r" + round;
      String digest = Digests.sha256(global);
      Path saved = checkpoints.save(namespace, name,
          new CheckpointStore.Meta(version, round, global.length, digest, eval.metricName(), eval.metric()), global);
      double seconds = Duration.between(opened, Instant.now()).toMillis() / 1000.0;
      long roundBytes = federation.drainBytes(key);
      bytesMoved += roundBytes;
      RoundRecord rec = new RoundRecord();
      rec.round = round;
      rec.participants = result.updates.stream().map(ClientUpdate::site).sorted().toList();
      rec.missed = result.missed;
      rec.samples = samples;
      rec.loss = round4(trainLoss);
      rec.metric = round4(eval.metric());
      rec.bytes = roundBytes;
      rec.seconds = round4(seconds);
      rec.attempts = result.attempts;
      rec.completedAt = Conditions.now();
      history.add(rec);
      while (history.size() > FederatedTrainingStatus.MAX_HISTORY) {
        history.remove(0);
      }
      metric = new MetricValue(eval.metricName(), round4(eval.metric()));
      metrics.roundCompleted(Duration.between(opened, Instant.now()), result.updates.size());
      recordModelVersion(ft, version, digest, eval, round, saved, spec);
      LOG.info("{}: round {}/{} done: {} sites, {} samples, train loss {}, {} {}, {} bytes, {} s", key, round,
          ft.getSpec().rounds, result.updates.size(), samples, fmt(trainLoss), eval.metricName(), fmt(eval.metric()),
          roundBytes, fmt(seconds));
      events.normal(ft, "RoundCompleted", "round " + round + ": " + result.updates.size() + " sites, " + eval.metricName()
          + " " + fmt(eval.metric()));
      boolean targetReached = targetReached(ft.getSpec().target, eval);
      boolean last = round == ft.getSpec().rounds;
      FederatedTrainingStatus st = baseStatus(ft, history, startTime, bytesMoved, metric, version);
      st.round = round;
      st.progress = round + "/" + ft.getSpec().rounds;
      st.currentParticipants = List.of();
      if (targetReached || last) {
        st.phase = FederatedTrainingStatus.Phase.Succeeded;
        st.completionTime = Conditions.now();
        String reason = targetReached ? "TargetReached" : "Succeeded";
        String message = targetReached
            ? "target " + ft.getSpec().target.metric.name().toLowerCase() + " " + ft.getSpec().target.value + " reached in round " + round
            : "completed " + round + " rounds; " + eval.metricName() + " " + fmt(eval.metric());
        Conditions.set(st, ft.getStatus(), FedmeshApi.CONDITION_READY, true, reason, message, ft.getMetadata().getGeneration());
        patcher.patch(FederatedTraining.class, namespace, name, st);
        events.normal(ft, reason, message);
        LOG.info("{}: {}", key, message);
        return;
      }
      st.phase = FederatedTrainingStatus.Phase.Running;
      Conditions.set(st, ft.getStatus(), FedmeshApi.CONDITION_READY, true, "Running",
          "round " + round + " of " + ft.getSpec().rounds + " completed", ft.getMetadata().getGeneration());
      patcher.patch(FederatedTraining.class, namespace, name, st);
    }
  }

  private record RoundResult(List<ClientUpdate> updates, List<String> missed, int attempts) {}

  /** One round with its retries; null when the training failed. */
  private RoundResult runRound(FederatedTraining ft, int round, MlpSpec spec, float[] global, String baseVersion,
      List<RoundRecord> history, String startTime, long bytesMoved, MetricValue metric) {
    FederatedTrainingSpec s = ft.getSpec();
    int minSites = s.participants == null || s.participants.minSites == null ? 1 : s.participants.minSites;
    int maxRetries = s.roundDeadline == null || s.roundDeadline.maxRetries == null ? 3 : s.roundDeadline.maxRetries;
    federation.models.publish(key, baseVersion, spec, global);
    List<Double> recent = history.stream().filter(h -> h.seconds != null).map(h -> h.seconds).toList();
    for (int attempt = 1; ; attempt++) {
      double deadlineSeconds = RoundDeadlinePolicy.nextDeadlineSeconds(s.roundDeadline, recent);
      Instant opened = Instant.now();
      Instant deadline = opened.plusMillis((long) (deadlineSeconds * 1000));
      List<ParticipantSelector.Candidate> eligible = eligible(ft);
      boolean reportedWaiting = false;
      while (eligible.size() < minSites && Instant.now().isBefore(deadline)) {
        if (!reportedWaiting) {
          FederatedTrainingStatus st = baseStatus(ft, history, startTime, bytesMoved, metric, baseVersion);
          st.phase = round == 1 && history.isEmpty() ? FederatedTrainingStatus.Phase.Pending : FederatedTrainingStatus.Phase.Running;
          st.activeSites = eligible.size();
          Conditions.set(st, current().getStatus(), FedmeshApi.CONDITION_READY, false, "NoEligibleSites",
              "spec.participants: " + eligible.size() + " eligible site(s) (Ready, not cordoned, matching siteSelector) but minSites is "
                  + minSites + "; start more edge agents, relax spec.participants.siteSelector or lower minSites",
              ft.getMetadata().getGeneration());
          patcher.patch(FederatedTraining.class, namespace, name, st);
          reportedWaiting = true;
        }
        sleep(Duration.ofMillis(250));
        eligible = eligible(ft);
      }
      Set<String> participants = new TreeSet<>();
      if (eligible.size() >= minSites) {
        double fraction = s.participants == null || s.participants.fraction == null ? 1.0 : s.participants.fraction;
        Integer maxSites = s.participants == null ? null : s.participants.maxSites;
        participants.addAll(selector.select(eligible, minSites, maxSites, fraction, uid.hashCode() * 31L + round * 7L + attempt));
        openRound(ft, round, spec, baseVersion, participants, deadline, eligible);
        FederatedTrainingStatus st = baseStatus(ft, history, startTime, bytesMoved, metric, baseVersion);
        st.phase = FederatedTrainingStatus.Phase.Running;
        st.round = round - 1;
        st.progress = (round - 1) + "/" + s.rounds;
        st.roundAttempt = attempt;
        st.roundStartedAt = opened.toString();
        st.roundDeadlineSeconds = round4(deadlineSeconds);
        st.currentParticipants = List.copyOf(participants);
        st.activeSites = eligible.size();
        Conditions.set(st, current().getStatus(), FedmeshApi.CONDITION_READY, true, "Running",
            "round " + round + " open with " + participants.size() + " site(s)", ft.getMetadata().getGeneration());
        patcher.patch(FederatedTraining.class, namespace, name, st);
        waitForUpdates(round, participants, minSites, deadline);
      }
      federation.assignments.withdrawAll(key);
      List<ClientUpdate> updates = federation.inbox.received(key, round);
      Set<String> delivered = new HashSet<>();
      updates.forEach(u -> delivered.add(u.site()));
      List<String> missed = participants.stream().filter(p -> !delivered.contains(p)).toList();
      recordReliability(delivered, missed);
      if (updates.size() >= minSites && !updates.isEmpty()) {
        federation.inbox.close(key);
        return new RoundResult(updates, missed, attempt);
      }
      String why = "round " + round + " attempt " + attempt + " closed with " + updates.size() + " update(s) from "
          + participants.size() + " selected site(s); minSites is " + minSites;
      if (attempt > maxRetries) {
        federation.inbox.close(key);
        fail("QuorumNotReached", why + "; gave up after " + maxRetries + " retries (spec.roundDeadline.maxRetries). "
            + "Check that enough edge agents are Ready (kubectl get edgesites), or lower spec.participants.minSites");
        return null;
      }
      LOG.warn("{}: {}; retrying", key, why);
      events.warning(ft, "RoundRetried", why + "; retrying");
      ft = current();
    }
  }

  private void openRound(FederatedTraining ft, int round, MlpSpec spec, String baseVersion, Set<String> participants,
      Instant deadline, List<ParticipantSelector.Candidate> eligible) {
    FederatedTrainingSpec s = ft.getSpec();
    federation.inbox.open(key, round, participants);
    FederatedTrainingSpec.LocalTraining lt = s.localTraining == null ? new FederatedTrainingSpec.LocalTraining() : s.localTraining;
    LocalTraining.Builder local = LocalTraining.newBuilder()
        .setEpochs(lt.epochs == null ? 1 : lt.epochs)
        .setBatchSize(lt.batchSize == null ? 32 : lt.batchSize)
        .setLearningRate(lt.learningRate == null ? 0.05 : lt.learningRate)
        .setOptimizer(lt.optimizer == FederatedTrainingSpec.LocalTraining.Optimizer.ADAM ? "adam" : "sgd");
    if (s.strategy != null && s.strategy.type == FederatedTrainingSpec.Strategy.Type.FedProx) {
      local.setProximalMu(s.strategy.proximalMu == null ? 0.01 : s.strategy.proximalMu);
    }
    if (s.privacy != null) {
      local.setClipNorm(s.privacy.clipNorm == null ? 0 : s.privacy.clipNorm);
      local.setNoiseMultiplier(s.privacy.noiseMultiplier == null ? 0 : s.privacy.noiseMultiplier);
    }
    Set<String> delivered = federation.inbox.receivedSites(key, round);
    for (String site : participants) {
      if (delivered.contains(site)) {
        continue; // delivered in an earlier attempt of this round
      }
      double bandwidth = eligible.stream().filter(c -> c.site().equals(site)).mapToDouble(ParticipantSelector.Candidate::bandwidthMbps)
          .findFirst().orElse(0);
      TrainAssignment.Builder a = TrainAssignment.newBuilder()
          .setTraining(key)
          .setRound(round)
          .setModelVersion(baseVersion)
          .setModel(spec.toProto())
          .setLocal(local)
          .setDeadlineUnixMs(deadline.toEpochMilli())
          .setEncoding(encodingFor(s.wan, bandwidth).toProto())
          .setLabelColumn(lt.labelColumn == null ? "label" : lt.labelColumn);
      if (simulationLearners.contains(site)) {
        federation.simulationData.get(key).ifPresent(d -> a.setSimulationDataVersion(d.version()));
      }
      federation.assignments.publish(namespace + "/" + site, a.build());
    }
    LOG.info("{}: round {} open: {} (deadline {} s)", key, round, participants,
        Duration.between(Instant.now(), deadline).toSeconds());
  }

  /** Waits until every participant delivered, or the deadline passed, or nobody missing can still deliver. */
  private void waitForUpdates(int round, Set<String> participants, int minSites, Instant deadline) {
    while (true) {
      if (stopped) {
        throw new Stopped();
      }
      Set<String> received = federation.inbox.receivedSites(key, round);
      if (received.containsAll(participants)) {
        return;
      }
      if (!Instant.now().isBefore(deadline)) {
        LOG.info("{}: round {} deadline passed with {}/{} updates", key, round, received.size(), participants.size());
        return;
      }
      boolean missingAreGone = participants.stream().filter(p -> !received.contains(p))
          .allMatch(p -> federation.sites.get(namespace, p).map(x -> !x.available()).orElse(true));
      if (missingAreGone) {
        // an Offline or Degraded participant never blocks a round
        LOG.info("{}: round {} closes early: missing sites are offline or degraded ({} of {} delivered)", key, round,
            received.size(), participants.size());
        return;
      }
      sleep(POLL);
    }
  }

  private List<ParticipantSelector.Candidate> eligible(FederatedTraining ft) {
    var selector = ft.getSpec().participants == null ? null : ft.getSpec().participants.siteSelector;
    List<ParticipantSelector.Candidate> out = new ArrayList<>();
    Set<String> learners = new java.util.HashSet<>();
    for (EdgeSite site : client.resources(EdgeSite.class).inNamespace(namespace).list().getItems()) {
      if (site.getSpec() != null && Boolean.TRUE.equals(site.getSpec().cordoned)) {
        continue;
      }
      boolean learner = isSimulationLearner(site);
      if (learner) {
        learners.add(site.getMetadata().getName());
      }
      // the simulation learner serves every training with simulation samples: the site selector picks edge sites
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
      }
      Federation.Reliability r = federation.reliability(session.key());
      out.add(new ParticipantSelector.Candidate(session.site(), samples, session.link().getRttMs(),
          session.link().getBandwidthMbps(), r.completed(), r.missed()));
    }
    simulationLearners = Set.copyOf(learners);
    return out;
  }

  private static boolean isSimulationLearner(EdgeSite site) {
    var labels = site.getMetadata().getLabels();
    return labels != null && FedmeshApi.ROLE_SIMULATION_LEARNER.equals(labels.get(FedmeshApi.LABEL_ROLE));
  }

  private void recordReliability(Set<String> delivered, List<String> missed) {
    delivered.forEach(s -> federation.recordRound(namespace + "/" + s, true));
    missed.forEach(s -> federation.recordRound(namespace + "/" + s, false));
  }

  static UpdateEncoding encodingFor(FederatedTrainingSpec.WanPolicy wan, double bandwidthMbps) {
    if (wan == null || wan.compression == null) {
      return UpdateEncoding.F32;
    }
    return switch (wan.compression) {
      case NONE -> UpdateEncoding.F32;
      case FP16 -> UpdateEncoding.F16;
      case INT8 -> UpdateEncoding.Q8;
      case AUTO -> bandwidthMbps <= 0 ? UpdateEncoding.F32 : bandwidthMbps < 50 ? UpdateEncoding.Q8
          : bandwidthMbps < 200 ? UpdateEncoding.F16 : UpdateEncoding.F32;
    };
  }

  private Dataset loadEvaluation(FederatedTrainingSpec spec, MlpSpec model) {
    if (spec.evaluation == null || spec.evaluation.dataPath == null || spec.evaluation.dataPath.isBlank()) {
      return null;
    }
    String label = spec.localTraining == null || spec.localTraining.labelColumn == null ? "label" : spec.localTraining.labelColumn;
    try {
      Dataset d = CsvDatasetReader.read(Path.of(spec.evaluation.dataPath), label, model.task());
      if (d.features() != model.inputWidth()) {
        throw new IllegalArgumentException("spec.evaluation.dataPath " + spec.evaluation.dataPath + " has " + d.features()
            + " feature columns but the DistributedModel's inputShape gives " + model.inputWidth());
      }
      if (model.task() == TaskKind.CLASSIFICATION && d.classes() > model.outputWidth()) {
        throw new IllegalArgumentException("spec.evaluation.dataPath has class " + (d.classes() - 1)
            + " but the DistributedModel's outputShape has " + model.outputWidth() + " classes");
      }
      return d;
    } catch (DatasetException e) {
      throw new IllegalArgumentException("spec.evaluation.dataPath: " + e.getMessage(), e);
    }
  }

  private void recordModelVersion(FederatedTraining ft, String version, String digest, Evaluation eval, int round, Path saved,
      MlpSpec spec) {
    DistributedModel dm = client.resources(DistributedModel.class).inNamespace(namespace).withName(ft.getSpec().modelRef).get();
    if (dm == null) {
      return;
    }
    DistributedModelStatus st = dm.getStatus() == null ? new DistributedModelStatus() : dm.getStatus();
    DistributedModelStatus.ModelVersion v = new DistributedModelStatus.ModelVersion();
    v.version = version;
    v.digest = digest;
    v.metric = eval.metricName();
    v.value = round4(eval.metric());
    v.producedBy = key + "#" + round;
    v.checkpoint = saved.toString();
    v.createdAt = Conditions.now();
    List<DistributedModelStatus.ModelVersion> versions = new ArrayList<>(st.versions == null ? List.of() : st.versions);
    versions.add(v);
    while (versions.size() > DistributedModelStatus.MAX_HISTORY) {
      versions.remove(0);
    }
    st.versions = versions;
    st.latestVersion = version;
    st.latestMetric = v.value;
    st.parameters = spec.parameterCount();
    patcher.patch(DistributedModel.class, namespace, dm.getMetadata().getName(), st);
  }

  private FederatedTrainingStatus baseStatus(FederatedTraining ft, List<RoundRecord> history, String startTime, long bytesMoved,
      MetricValue metric, String version) {
    FederatedTrainingStatus st = new FederatedTrainingStatus();
    st.observedGeneration = ft.getMetadata().getGeneration();
    st.history = List.copyOf(history);
    st.startTime = startTime;
    st.bytesMoved = bytesMoved;
    st.metric = metric;
    st.modelVersion = version;
    st.activeSites = (int) eligible(ft).size();
    st.burstsRequested = simulationFeed.requested();
    return st;
  }

  private void fail(String reason, String message) {
    FederatedTraining ft = client.resources(FederatedTraining.class).inNamespace(namespace).withName(name).get();
    if (ft == null || !uid.equals(ft.getMetadata().getUid())) {
      return;
    }
    FederatedTrainingStatus st = ft.getStatus() == null ? new FederatedTrainingStatus() : ft.getStatus();
    st.phase = FederatedTrainingStatus.Phase.Failed;
    st.completionTime = Conditions.now();
    st.currentParticipants = List.of();
    st.observedGeneration = ft.getMetadata().getGeneration();
    Conditions.set(st, ft.getStatus(), FedmeshApi.CONDITION_READY, false, reason, message, ft.getMetadata().getGeneration());
    patcher.patch(FederatedTraining.class, namespace, name, st);
    events.warning(ft, reason, message);
    LOG.error("{}: Failed ({}): {}", key, reason, message);
  }

  private FederatedTraining current() {
    if (stopped) {
      throw new Stopped();
    }
    FederatedTraining ft = client.resources(FederatedTraining.class).inNamespace(namespace).withName(name).get();
    if (ft == null || !uid.equals(ft.getMetadata().getUid())) {
      stopped = true;
      throw new Stopped();
    }
    return ft;
  }

  private static boolean targetReached(FederatedTrainingSpec.Target target, Evaluation eval) {
    if (target == null || target.metric == null || target.value == null) {
      return false;
    }
    return switch (target.metric) {
      case ACCURACY -> "accuracy".equals(eval.metricName()) && eval.metric() >= target.value;
      case MSE -> "mse".equals(eval.metricName()) && eval.metric() <= target.value;
      case LOSS -> eval.loss() <= target.value;
    };
  }

  /** Why a round's result cannot be kept (non-finite weights or losses), or null when it can. */
  static String divergence(float[] model, List<ClientUpdate> updates) {
    for (ClientUpdate u : updates) {
      if (!Double.isFinite(u.trainLoss())) {
        return "site " + u.site() + " reported a non-finite training loss (" + u.trainLoss() + ")";
      }
    }
    for (int i = 0; i < model.length; i++) {
      if (!Float.isFinite(model[i])) {
        return "the aggregated model has a non-finite weight (index " + i + " is " + model[i] + ")";
      }
    }
    return null;
  }

  private static double weightedMean(List<ClientUpdate> updates, boolean loss) {
    double sum = 0;
    long n = 0;
    for (ClientUpdate u : updates) {
      long w = Math.max(1, u.samples());
      sum += w * (loss ? u.trainLoss() : u.localMetric());
      n += w;
    }
    return n == 0 ? 0 : sum / n;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
      throw new Stopped();
    }
  }

  private static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  private static String fmt(double v) {
    return String.format("%.4f", v);
  }
}
