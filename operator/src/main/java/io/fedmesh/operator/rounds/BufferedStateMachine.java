package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.MetricValue;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.BufferedFold;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.NormBound;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.UpdateBuffer;
import io.fedmesh.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BufferedAsync (FedBuff) on the round machinery: a "round" is a model version. Every eligible
 * site without work gets an assignment on the newest version as soon as it is free; an update
 * passes the same admission as a synchronous one (in the coordinator) and the same norm bound
 * (here, on its change from its own base); every {@code bufferSize} updates fold into the next
 * version ({@link BufferedFold}), which is evaluated and checkpointed by {@link ModelStep} as a
 * round's model is. A buffer also folds when nobody still available is training for it, or at the
 * round deadline with at least one update, so a site that leaves blocks nothing. spec.rounds
 * counts versions; spec.target ends the run as it ends the synchronous one.
 */
final class BufferedStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(BufferedStateMachine.class);
  /** How often a buffered run looks for sites that joined or left (an accepted update wakes it at once). */
  static final Duration RECHECK = Duration.ofSeconds(2);

  private final Federation federation;
  private final Candidates candidates;
  private final ModelStep modelStep;
  private final RoundRecorder recorder;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final CheckpointStore checkpoints;
  private final Clock clock;
  private final VersionEvaluations evaluations;

  BufferedStateMachine(Federation federation, Candidates candidates, ModelStep modelStep, RoundRecorder recorder, EventRecorder events,
      OperatorMetrics metrics, CheckpointStore checkpoints, Clock clock, VersionEvaluations evaluations) {
    this.evaluations = evaluations;
    this.federation = federation;
    this.candidates = candidates;
    this.modelStep = modelStep;
    this.recorder = recorder;
    this.events = events;
    this.metrics = metrics;
    this.checkpoints = checkpoints;
    this.clock = clock;
  }

  RoundStateMachine.Step advance(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run) {
    var evaluated = evaluations.resume(ft, st, previous, run); // sites keep training meanwhile; their updates wait in the buffer
    if (evaluated.isPresent()) {
      return evaluated.get();
    }
    FederatedTrainingSpec s = ft.getSpec();
    BufferedRun br = run.buffered;
    int done = st.round == null ? 0 : st.round;
    if (done >= s.rounds) {
      return finish(ft, st, previous, false);
    }
    UpdateBuffer buffer = federation.inbox.openBuffer(run.key, run.uid, run.name, br.maxStaleness, done + 1);
    Instant now = clock.instant();
    if (!br.recovered) {
      recover(ft, run, buffer, done);
      br.recovered = true;
      br.bufferOpenedAt = now;
      br.remember(run.version, run.global);
      if (done == 0) {
        modelStep.checkpointInitial(run); // a site still training from it after the first fold downloads it from the checkpoints
      }
    }
    if (!federation.models.get(run.key).map(p -> p.version().equals(run.version)).orElse(false)) {
      federation.models.publish(run.key, run.version, run.model, run.global);
    }
    announceRefusals(ft, run, buffer);
    Candidates.Eligible eligible = candidates.of(ft, run.quarantine::holds);
    double deadlineSeconds = RoundDeadlinePolicy.nextDeadlineSeconds(s.roundDeadline, List.of());
    boolean expired = !now.isBefore(br.bufferOpenedAt.plusMillis((long) (deadlineSeconds * 1000)));
    if (buffer.size() >= br.bufferSize) {
      return fold(ft, st, previous, run, buffer, eligible, deadlineSeconds);
    }
    int minSites = RoundStateMachine.minSites(s);
    if (eligible.size() < minSites && buffer.size() == 0) {
      // as a synchronous training before it opens a round: it waits for sites (Ready=False, NoEligibleSites), and
      // waiting for sites is not a missed deadline
      br.bufferOpenedAt = now;
      return new RoundStateMachine.Step(TrainingStatuses.waitingForSites(st, previous, ft, eligible.size(), minSites), RECHECK, false);
    }
    assignIdle(ft, run, buffer, eligible, now, deadlineSeconds); // before asking whether anyone may still deliver
    if (buffer.size() > 0 && (expired || nobodyCanDeliver(ft, run, buffer))) {
      return fold(ft, st, previous, run, buffer, eligible, deadlineSeconds);
    }
    if (buffer.size() == 0 && expired) { // eligible sites that never deliver must not hold the run forever
      int retries = s.roundDeadline == null || s.roundDeadline.maxRetries == null ? TrainingDefaults.MAX_RETRIES : s.roundDeadline.maxRetries;
      if (!now.isBefore(br.bufferOpenedAt.plusMillis((long) (deadlineSeconds * 1000 * (retries + 1))))) {
        return fail(ft, st, previous, "QuorumNotReached", "version " + (done + 1) + ": no update arrived in " + (retries + 1)
            + " deadlines of " + Math.round(deadlineSeconds) + " s (spec.roundDeadline); check that edge agents are Ready"
            + " (kubectl get edgesites)");
      }
    }
    return new RoundStateMachine.Step(TrainingStatuses.buffering(st, previous, ft, buffer, br.bufferSize, eligible.size(), now,
        deadlineSeconds), RECHECK, false);
  }

  /**
   * True when no site outside the buffer may still deliver into it, so waiting would only wait for
   * the deadline: every site with an assignment is gone (its session unavailable, or no session and
   * its EdgeSite no longer Ready), and no other Ready site is about to connect (after a restart a
   * site is Ready before it reconnects).
   */
  private boolean nobodyCanDeliver(FederatedTraining ft, TrainingRun run, UpdateBuffer buffer) {
    Set<String> ready = candidates.readySites(ft);
    Set<String> delivered = buffer.deliveredSites();
    for (String site : ready) {
      if (delivered.contains(site)) {
        continue;
      }
      var session = federation.sites.get(run.namespace, site);
      if (session.isEmpty() || session.get().available()) {
        return false; // training, or Ready and not connected yet
      }
    }
    return true;
  }

  /**
   * Gives every eligible site that has no open assignment and has not delivered into this buffer
   * one on the newest version (at most spec.participants.maxSites at work at once). A site still
   * training an older version keeps it: its update is taken while it is at most maxStaleness
   * behind, refused by name after that, and the site is then given the newest.
   */
  private void assignIdle(FederatedTraining ft, TrainingRun run, UpdateBuffer buffer, Candidates.Eligible eligible, Instant now,
      double deadlineSeconds) {
    FederatedTrainingSpec s = ft.getSpec();
    Integer maxSites = s.participants == null ? null : s.participants.maxSites;
    Map<String, Integer> assigned = buffer.assigned();
    Set<String> delivered = buffer.deliveredSites();
    int atWork = assigned.size() + delivered.size();
    int round = buffer.round();
    RoundPlan plan = new RoundPlan(round, 1, Set.of(), run.version, now, now.plusMillis((long) (deadlineSeconds * 1000)));
    var local = AssignmentFactory.localTraining(s, run.strategy).toBuilder().setSeed(run.seed).build();
    List<String> fresh = new ArrayList<>();
    for (var c : eligible.sites()) {
      String site = c.site();
      if (assigned.containsKey(site) || delivered.contains(site) || eligible.simulationLearners().contains(site)) {
        continue;
      }
      if (maxSites != null && atWork >= maxSites) {
        break;
      }
      buffer.assign(site, round);
      var encoding = io.fedmesh.operator.placement.EncodingChoice.choose(s.wan, run.model.parameterCount(),
          candidates.uploadMbps(run.namespace, site, eligible), deadlineSeconds); // a top-k delta is applied to its own base
      run.buffered.encodings.put(site, encoding.reason());
      federation.assignments.publish(run.namespace + "/" + site, AssignmentFactory.assignment(run.key, s, run.model, plan,
          encoding, local, null));
      fresh.add(site);
      atWork++;
    }
    if (!fresh.isEmpty()) {
      recorder.assigned(run.namespace, fresh);
      LOG.info("{}: version {} handed to {}", run.key, run.version, fresh);
    }
    Set<String> working = new TreeSet<>(buffer.assigned().keySet());
    run.open = new RoundPlan(round, 1, working, run.version, run.buffered.bufferOpenedAt, plan.deadline());
  }

  private RoundStateMachine.Step fold(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run,
      UpdateBuffer buffer, Candidates.Eligible eligible, double deadlineSeconds) {
    FederatedTrainingSpec s = ft.getSpec();
    BufferedRun br = run.buffered;
    Instant closedAt = clock.instant();
    int round = buffer.round();
    // K, the first to arrive (FedBuff); later ones wait for the next version, one version staler, unless that
    // would take them past maxStaleness: an acknowledged update is folded rather than dropped for waiting
    List<UpdateBuffer.Entry> taken = new ArrayList<>();
    for (UpdateBuffer.Entry e : buffer.buffered()) {
      if (taken.size() < br.bufferSize || buffer.staleness(e.round()) >= br.maxStaleness) {
        taken.add(e);
      }
    }
    List<BufferedFold.Buffered> buffered = new ArrayList<>();
    for (UpdateBuffer.Entry e : taken) {
      buffered.add(new BufferedFold.Buffered(e.update(), baseOf(run, buffer, e.round()), buffer.staleness(e.round())));
    }
    // the norm bound as a synchronous round applies it, on each update's change from its own base
    Double bound = run.strategy.maxUpdateNorm;
    NormBound.Screened screened = NormBound.screen(run.global, BufferedFold.rebased(run.global, buffered,
        FederatedTrainingSpec.BufferedAsync.StalenessWeighting.Constant), bound);
    for (NormBound.Refused r : screened.refused()) {
      UpdateBuffer.Entry e = taken.stream().filter(x -> x.update().site().equals(r.site())).findFirst().orElseThrow();
      federation.inbox.refuseAccepted(run.key, e.round(), r.site(), r.reason().replace("(L2 distance from the round's global model)",
          "(L2 norm of its change from " + buffer.versionName(e.round()) + ", the model it trained from)"));
    }
    Set<String> keptSites = new TreeSet<>();
    screened.kept().forEach(u -> keptSites.add(u.site()));
    List<BufferedFold.Buffered> kept = buffered.stream().filter(b -> keptSites.contains(b.update().site())).toList();
    federation.inbox.removeFolded(run.key, taken.stream().filter(e -> !keptSites.contains(e.update().site())).toList());
    if (kept.isEmpty()) {
      Map<String, String> refused = announceRefusals(ft, run, buffer);
      synchronized (run.announcedRefusals) {
        run.announcedRefusals.clear();
      }
      buffer.folded(taken, refused.keySet());
      LOG.warn("{}: the buffer of version {} held only refused updates: {}", run.key, round, refused.keySet());
      return new RoundStateMachine.Step(st, RECHECK, false);
    }
    List<ClientUpdate> rebased = BufferedFold.rebased(run.global, kept, br.weighting);
    Map<String, String> refused = new java.util.TreeMap<>(announceRefusals(ft, run, buffer)); // the fold clears the buffer's record
    synchronized (run.announcedRefusals) {
      run.announcedRefusals.clear(); // and with it what was announced of it: the set stays as small as one buffer's refusals
    }
    for (UpdateBuffer.Entry late : buffer.foldedAndAdvanced(taken, refused.keySet())) {
      federation.inbox.refuseAccepted(run.key, late.round(), late.update().site(), "update of site " + late.update().site()
          + " trained from " + buffer.versionName(late.round()) + " arrived while version " + round + " was folded and is now "
          + buffer.staleness(late.round()) + " versions behind; spec.strategy.bufferedAsync.maxStaleness is " + br.maxStaleness);
      federation.inbox.removeFolded(run.key, List.of(late));
    }
    refused.putAll(announceRefusals(ft, run, buffer));
    ModelStep.Result result = modelStep.apply(run, round, rebased);
    if (result.diverged() != null) {
      return fail(ft, st, previous, "Diverged", "version " + round + ": " + result.diverged() + "; the model stays at " + run.version
          + ". Lower spec.localTraining.learningRate (now " + AssignmentFactory.learningRate(s) + ") or spec.strategy.bufferedAsync"
          + ".maxStaleness");
    }
    // the version is kept once its metric is known: at once, or when the evaluator site reported
    return CentralMetric.await(evaluations, events, ft, st, previous, run, round, result, (ft2, st2, previous2, evaluated) ->
        completeFold(ft2, st2, previous2, run, buffer, eligible, deadlineSeconds, new Folded(round, taken, kept, keptSites, refused,
            closedAt), evaluated));
  }

  /** What a fold took, for its second half. */
  private record Folded(int round, List<UpdateBuffer.Entry> taken, List<BufferedFold.Buffered> kept, Set<String> keptSites,
      Map<String, String> refused, Instant closedAt) {}

  /** The second half of a fold: its version is evaluated; checkpoint it, record it, hand it to the idle sites. */
  private RoundStateMachine.Step completeFold(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous,
      TrainingRun run, UpdateBuffer buffer, Candidates.Eligible eligible, double deadlineSeconds, Folded f, ModelStep.Result evaluated) {
    FederatedTrainingSpec s = ft.getSpec();
    BufferedRun br = run.buffered;
    int round = f.round();
    Instant closedAt = f.closedAt();
    List<BufferedFold.Buffered> kept = f.kept();
    Set<String> keptSites = f.keptSites();
    Map<String, String> refused = f.refused();
    ModelStep.Result result = modelStep.keep(run, round, evaluated);
    federation.inbox.removeFolded(run.key, f.taken()); // they are in the checkpoint now
    run.global = result.global();
    run.version = result.version();
    br.remember(run.version, run.global);
    br.bufferOpenedAt = closedAt;
    long bytes = federation.drainBytes(run.key);
    List<ClientUpdate> keptUpdates = kept.stream().map(BufferedFold.Buffered::update).toList();
    Map<String, String> encodings = new java.util.TreeMap<>();
    keptSites.forEach(site -> java.util.Optional.ofNullable(br.encodings.get(site)).ifPresent(why -> encodings.put(site, why)));
    RoundPlan plan = new RoundPlan(round, 1, keptSites, run.version, previousFold(st, closedAt), closedAt, null, encodings);
    RoundRecord rec = RoundStateMachine.record(plan, keptUpdates.stream().map(ClientUpdate::facts).toList(), List.of(), result, bytes, closedAt);
    rec.refused = RoundRefusals.record(refused);
    List<Integer> staleness = kept.stream().map(BufferedFold.Buffered::staleness).toList();
    BufferedProgress.describe(rec, keptUpdates.stream().map(ClientUpdate::site).toList(), staleness, BufferedFold.shares(kept, br.weighting));
    recorder.reliability(run.namespace, keptSites, refused.keySet());
    recorder.modelVersion(run, result, round);
    metrics.roundCompleted(Duration.between(plan.openedAt(), closedAt), kept.size());
    Evaluation eval = result.evaluation();
    MetricValue metric = new MetricValue(eval.metricName(), TrainingStatuses.round4(eval.metric()));
    TrainingStatuses.roundCompleted(st, previous, ft, rec, run.version, metric, bytes);
    long staleRefused = refused.values().stream().filter(r -> r.contains("maxStaleness")).count();
    Instant started = st.startTime == null ? closedAt : Instant.parse(st.startTime);
    st.bufferedAsync = BufferedProgress.afterFold(st.bufferedAsync, staleness, staleRefused, round, started, closedAt);
    LOG.info("{}: version {}/{} folded from {} update(s) {} (staleness {}), {} {}", run.key, round, s.rounds, kept.size(), keptSites,
        staleness, eval.metricName(), String.format("%.4f", eval.metric()));
    events.normal(ft, "VersionFolded", "version " + round + ": " + kept.size() + " updates, staleness " + staleness + ", "
        + eval.metricName() + " " + String.format("%.4f", eval.metric()));
    if (RoundStateMachine.targetReached(s.target, eval) || round >= s.rounds) {
      federation.assignments.withdrawAll(run.key);
      return finish(ft, st, previous, RoundStateMachine.targetReached(s.target, eval));
    }
    federation.models.publish(run.key, run.version, run.model, run.global);
    assignIdle(ft, run, buffer, eligible, closedAt, deadlineSeconds); // the sites that delivered start on the new version at once
    return new RoundStateMachine.Step(TrainingStatuses.buffering(st, previous, ft, buffer, br.bufferSize, eligible.size(), closedAt,
        deadlineSeconds), buffer.size() >= br.bufferSize ? Duration.ofMillis(10) : RECHECK, false);
  }

  /** A version's time: since the fold before it (its record's completedAt), else since the run started. */
  private static Instant previousFold(FederatedTrainingStatus st, Instant now) {
    List<RoundRecord> h = st.history;
    String last = h == null || h.isEmpty() ? st.startTime : h.get(h.size() - 1).completedAt;
    return last == null ? now : Instant.parse(last);
  }

  /** The weights of the version round {@code r} trained from: kept in memory, else read from its checkpoint. */
  private float[] baseOf(TrainingRun run, UpdateBuffer buffer, int r) {
    String version = buffer.versionName(r);
    float[] w = run.buffered.weightsOf(version);
    if (w == null) {
      w = checkpoints.load(run.namespace, run.name, version).orElseThrow(() -> new IllegalStateException("checkpoint " + version
          + " of " + run.key + " is missing: the buffered updates trained from it cannot be folded"));
      run.buffered.remember(version, w);
    }
    return w;
  }

  /** Each refusal since the last fold, in a Warning Event the first time it is seen. */
  private Map<String, String> announceRefusals(FederatedTraining ft, TrainingRun run, UpdateBuffer buffer) {
    Map<String, String> refused = buffer.refusals();
    synchronized (run.announcedRefusals) {
      for (Map.Entry<String, String> e : refused.entrySet()) {
        if (run.announcedRefusals.add(e.getKey() + ": " + e.getValue())) {
          LOG.warn("{}: update of {} refused: {}", run.key, e.getKey(), e.getValue());
          events.warning(ft, "UpdateRefused", "site " + e.getKey() + ": " + e.getValue());
        }
      }
    }
    return refused;
  }

  /** After a restart: the acknowledged updates not yet folded, of every round still fresh enough, go back into the buffer. */
  private void recover(FederatedTraining ft, TrainingRun run, UpdateBuffer buffer, int done) {
    int newest = done + 1;
    int oldest = Math.max(1, newest - run.buffered.maxStaleness);
    federation.inbox.removePersisted(run.key, oldest - 1);
    List<String> restored = new ArrayList<>();
    for (int r = oldest; r <= newest; r++) {
      for (AcceptedUpdateStore.Stored u : federation.inbox.persisted(run.key, r, Math.toIntExact(run.model.parameterCount()),
          buffer.baseVersion(r))) {
        if (buffer.restore(u, r)) {
          restored.add(u.update().site() + "@" + buffer.versionName(r));
        }
      }
    }
    if (!restored.isEmpty()) {
      LOG.info("{}: the buffer of version {} resumes with {} update(s) acknowledged before the restart: {}", run.key, newest,
          restored.size(), restored);
      events.normal(ft, "UpdatesRecovered", "the buffer of version " + newest + " resumes with the updates " + restored
          + " acknowledged before the operator restarted");
    }
  }

  private RoundStateMachine.Step finish(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, boolean target) {
    TrainingStatuses.succeeded(st, previous, ft, target);
    String message = TrainingStatuses.successMessage(ft, st, target);
    events.normal(ft, target ? "TargetReached" : "Succeeded", message);
    LOG.info("{}/{}: {}", ft.getMetadata().getNamespace(), ft.getMetadata().getName(), message);
    return new RoundStateMachine.Step(st, null, true);
  }

  private RoundStateMachine.Step fail(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, String reason,
      String message) {
    events.warning(ft, reason, message);
    LOG.error("{}/{}: Failed ({}): {}", ft.getMetadata().getNamespace(), ft.getMetadata().getName(), reason, message);
    return new RoundStateMachine.Step(TrainingStatuses.failed(st, previous, ft, reason, message), null, true);
  }
}
