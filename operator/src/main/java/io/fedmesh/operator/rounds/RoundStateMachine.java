package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.MetricValue;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.aggregation.WeightedMeanStrategy;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.RoundUpdates;
import io.fedmesh.operator.coordinator.SiteSession;
import io.fedmesh.operator.placement.ParticipantSelector;
import io.fedmesh.operator.privacy.TrainingPrivacy;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances a training's rounds by one step per reconcile: open a round (select sites, publish the
 * model, push assignments), or, when the open round is complete, past its deadline or waiting only
 * for sites that are gone, close it (retry, fail, or aggregate and open the next one at once).
 * Between steps it returns the time until the open round's deadline; accepted updates and site
 * events wake it earlier.
 */
final class RoundStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);
  /** How often a training waiting for sites looks again (site events wake it sooner). */
  static final Duration WAITING_RECHECK = Duration.ofSeconds(2);
  /** When a round opens with nobody to wait for: close it in the next reconcile, at once. */
  private static final Duration NOTHING_TO_WAIT_FOR = Duration.ofMillis(10);

  /** The status to record, when to look again (null: only on an event), whether the run ended. */
  record Step(FederatedTrainingStatus status, Duration requeue, boolean ended) {}

  private final Federation federation;
  private final Candidates candidates;
  private final ModelStep modelStep;
  private final RoundRecorder recorder;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final ParticipantSelector selector = new ParticipantSelector();
  private final PlannedSelection planned;
  private final RoundRefusals refusals;
  private final VersionEvaluations evaluations;

  RoundStateMachine(Federation federation, Candidates candidates, ModelStep modelStep, RoundRecorder recorder, EventRecorder events,
      OperatorMetrics metrics, Clock clock, VersionEvaluations evaluations) {
    this.evaluations = evaluations;
    this.federation = federation;
    this.candidates = candidates;
    this.modelStep = modelStep;
    this.recorder = recorder;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.refusals = new RoundRefusals(federation, events);
    this.planned = new PlannedSelection(federation.forecasts);
  }

  /**
   * One step from {@code st} (a copy of the newest status, changed and returned in the step);
   * {@code previous} is that status as observed, for condition transition times.
   */
  Step advance(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run) {
    var evaluated = evaluations.resume(ft, st, previous, run);
    if (evaluated.isPresent()) {
      return evaluated.get();
    }
    int done = st.round == null ? 0 : st.round;
    if (run.open == null) {
      if (done >= ft.getSpec().rounds) { // spec.rounds lowered below the rounds already done
        return finish(ft, st, previous, false);
      }
      int attempt = resumedAttempt(st, done + 1);
      Set<String> carried = run.recovery != null && run.recovery.round() == done + 1 ? run.recovery.participants() : Set.of();
      return open(ft, st, previous, run, done + 1, attempt, carried);
    }
    RoundPlan plan = run.open;
    Duration wait = stillWaiting(run);
    if (wait != null) {
      return new Step(st, wait, false);
    }
    Set<String> received = federation.inbox.settledSites(run.key, plan.round());
    Set<String> missing = new TreeSet<>(plan.participants());
    missing.removeAll(received);
    boolean expired = !clock.instant().isBefore(plan.deadline());
    if (!missing.isEmpty()) {
      LOG.info("{}: round {} closes {}: {} of {} delivered", run.key, plan.round(),
          expired ? "at its deadline" : "early: the missing sites are offline or degraded", received.size(), plan.participants().size());
    }
    return close(ft, st, previous, run, plan);
  }

  /**
   * How long the open round still waits (null: it can close now, or no round is open): until its
   * deadline, unless every selected site delivered or every one still missing is gone.
   */
  Duration stillWaiting(TrainingRun run) {
    RoundPlan plan = run.open;
    if (plan == null) {
      return null;
    }
    Instant now = clock.instant();
    if (!now.isBefore(plan.deadline())) {
      return null;
    }
    Set<String> received = federation.inbox.settledSites(run.key, plan.round()); // a refused site is not waited for
    boolean waitingForSomeone = false;
    for (String p : plan.participants()) {
      if (!received.contains(p) && federation.sites.get(run.namespace, p).map(SiteSession::available).orElse(false)) {
        waitingForSomeone = true;
        break;
      }
    }
    return waitingForSomeone ? Duration.between(now, plan.deadline()) : null;
  }

  private Step open(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run, int round,
      int attempt, Set<String> carried) {
    FederatedTrainingSpec s = ft.getSpec();
    run.simulation.beforeRound(ft, run.model, st.history == null ? List.of() : st.history, round, run.global);
    st.burstsRequested = run.simulation.requested();
    st.burstPlacements = run.simulation.placements();
    st.coreHoursRequested = st.burstPlacements.isEmpty() ? null : run.simulation.coreHoursRequested();
    List<String> unfinished = round == s.rounds ? run.simulation.unfinishedRequested() : List.of();
    if (!unfinished.isEmpty()) {
      // the samples of bursts this training asked for join its last round rather than being wasted
      return new Step(TrainingStatuses.waitingForBursts(st, previous, ft, round, unfinished), WAITING_RECHECK, false);
    }
    for (String site : run.quarantine.release(round, name -> candidates.generationOf(run.namespace, name))) {
      recorder.quarantine(run.namespace, run.key, site, null);
      events.normal(ft, "SiteReleased", "site " + site + " may be selected again from round " + round + ": its quarantine ended");
    }
    st.quarantined = run.quarantine.toStatus();
    Candidates.Eligible eligible = candidates.of(ft, run.quarantine::holds);
    int minSites = minSites(s);
    if (eligible.size() < minSites) {
      return new Step(TrainingStatuses.waitingForSites(st, previous, ft, eligible.size(), minSites), WAITING_RECHECK, false);
    }
    double fraction = s.participants == null || s.participants.fraction == null ? TrainingDefaults.FRACTION : s.participants.fraction;
    Integer maxSites = s.participants == null ? null : s.participants.maxSites;
    Set<String> participants = new TreeSet<>(carried);
    long selectionSeed = run.seed * 31L + round * 7L + attempt;
    int count = ParticipantSelector.count(eligible.size(), minSites, maxSites, fraction);
    var roundPlan = PlannedSelection.applies(s) ? planned.plan(s, st, run, eligible.sites(), count, minSites, selectionSeed) : null;
    participants.addAll(roundPlan != null ? roundPlan.chosen() : selector.select(eligible.sites(), minSites, maxSites, fraction,
        selectionSeed));
    var overBudget = TrainingPrivacy.overBudget(s, st.privacy, participants.size(), eligible.size());
    if (overBudget.isPresent()) {
      return privacyBudgetExhausted(ft, st, previous, run, overBudget.get());
    }
    List<Double> recent = st.history == null ? List.of() : st.history.stream().filter(h -> h.seconds != null).map(h -> h.seconds).toList();
    double deadlineSeconds = roundPlan != null ? roundPlan.deadlineSeconds() : RoundDeadlinePolicy.nextDeadlineSeconds(s.roundDeadline, recent);
    Instant now = clock.instant();
    var encodings = AssignmentFactory.encodings(s, run.model, participants, site -> candidates.uploadMbps(run.namespace, site, eligible),
        deadlineSeconds);
    RoundPlan plan = new RoundPlan(round, attempt, participants, run.version, now, now.plusMillis((long) (deadlineSeconds * 1000)),
        roundPlan == null ? null : roundPlan.reasons(), encodings.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            java.util.Map.Entry::getKey, e -> e.getValue().reason())));
    if (roundPlan != null) {
      planned.announce(ft, events, round, roundPlan);
    }
    if (!federation.models.get(run.key).map(p -> p.version().equals(run.version)).orElse(false)) {
      modelStep.checkpointInitial(run); // round 1: the initial version, so the sites holding it get round 2's as a patch
      federation.models.publish(run.key, run.version, run.model, run.global);
    }
    // a weighted-mean strategy folds each update as it arrives: the round keeps one running mean, not the updates
    federation.inbox.open(run.key, round, run.base(), participants, run.global, run.aggregator instanceof WeightedMeanStrategy);
    if (run.recovery != null && run.recovery.round() == round) {
      Set<String> restored = federation.inbox.restore(run.key, round); // from disk, one update at a time
      LOG.info("{}: round {} reopened after a restart with the updates of {}", run.key, round, restored);
      run.recovery = null;
    }
    run.open = plan;
    var local = AssignmentFactory.localTraining(s, run.strategy).toBuilder().setSeed(run.seed).build();
    String simVersion = federation.simulationData.get(run.key).map(d -> d.version()).orElse(null);
    Set<String> delivered = federation.inbox.receivedSites(run.key, round);
    for (String site : participants) {
      if (!delivered.contains(site)) { // delivered in an earlier attempt of this round
        boolean learner = eligible.simulationLearners().contains(site);
        federation.assignments.publish(run.namespace + "/" + site, AssignmentFactory.assignment(run.key, s, run.model, plan,
            encodings.get(site), local, learner ? simVersion : null));
      }
    }
    recorder.assigned(run.namespace, participants);
    LOG.info("{}: round {} open: {} (deadline {} s)", run.key, round, participants, Math.round(deadlineSeconds));
    // a round reopened after a restart may have nobody left to wait for (every update recovered, the
    // rest of its sites gone): no upload or site event would wake it, so it closes in the next step
    Duration requeue = stillWaiting(run) == null ? NOTHING_TO_WAIT_FOR : Duration.between(now, plan.deadline());
    return new Step(TrainingStatuses.opened(st, previous, ft, plan, eligible.size()), requeue, false);
  }

  private Step close(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run, RoundPlan plan) {
    FederatedTrainingSpec s = ft.getSpec();
    Instant closedAt = clock.instant(); // a round lasts from its opening to its aggregation
    List<String> kept = refusals.screen(run, plan); // the round is sealed: what it holds now is what it aggregates
    Map<String, String> refused = refusals.announce(ft, run, plan.round());
    federation.assignments.withdrawAll(run.key);
    Set<String> delivered = new HashSet<>(kept);
    List<String> missed = plan.participants().stream().filter(p -> !delivered.contains(p) && !refused.containsKey(p)).sorted().toList();
    Set<String> notDelivered = new TreeSet<>(missed);
    notDelivered.addAll(refused.keySet());
    recorder.reliability(run.namespace, delivered, notDelivered);
    recorder.assigned(run.namespace, plan.participants());
    run.open = null;
    int minSites = minSites(s);
    if (kept.size() < minSites || kept.isEmpty()) {
      String why = "round " + plan.round() + " attempt " + plan.attempt() + " closed with " + kept.size() + " update(s) from "
          + plan.participants().size() + " selected site(s); minSites is " + minSites;
      int maxRetries = s.roundDeadline == null || s.roundDeadline.maxRetries == null ? TrainingDefaults.MAX_RETRIES : s.roundDeadline.maxRetries;
      if (plan.attempt() > maxRetries) {
        return fail(ft, st, previous, run, "QuorumNotReached", why + "; gave up after " + maxRetries + " retries"
            + " (spec.roundDeadline.maxRetries). Check that enough edge agents are Ready (kubectl get edgesites), or lower"
            + " spec.participants.minSites");
      }
      LOG.warn("{}: {}; retrying", run.key, why);
      events.warning(ft, "RoundRetried", why + "; retrying");
      return open(ft, st, previous, run, plan.round(), plan.attempt() + 1, plan.participants());
    }
    RoundUpdates.Cohort cohort = federation.inbox.take(run.key, plan.round()).orElseThrow(() -> new IllegalStateException(
        "round " + plan.round() + " of " + run.key + " is no longer open in the inbox"));
    List<UpdateFacts> updates = cohort.facts(); // the same as kept, less a copy that no longer read back (logged)
    updates.forEach(u -> run.lastLoss.put(u.site(), u.trainLoss()));
    ModelStep.Result result = modelStep.apply(run, plan.round(), updates, () -> cohort.aggregate(run.aggregator, run.global));
    if (result.diverged() != null) {
      // keep the last good model and checkpoint: a retry with the same settings would diverge again
      return fail(ft, st, previous, run, "Diverged", "round " + plan.round() + ": " + result.diverged() + "; the model stays at "
          + run.version + ". Lower spec.localTraining.learningRate (now " + AssignmentFactory.learningRate(s)
          + "), or use spec.localTraining.optimizer adam or privacy.clipNorm");
    }
    // the round completes once the version's metric is known: at once, or when the evaluator site reported
    return CentralMetric.await(evaluations, events, ft, st, previous, run, plan.round(), result, (ft2, st2, previous2, evaluated) ->
        complete(ft2, st2, previous2, run, plan, updates, missed, refused, delivered, evaluated, closedAt));
  }

  /** The second half of closing a round: its version is evaluated; checkpoint it, record the round, open the next one. */
  private Step complete(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run,
      RoundPlan plan, List<UpdateFacts> updates, List<String> missed, Map<String, String> refused, Set<String> delivered,
      ModelStep.Result evaluated, Instant closedAt) {
    FederatedTrainingSpec s = ft.getSpec();
    ModelStep.Result result = modelStep.keep(run, plan.round(), evaluated);
    federation.inbox.removePersisted(run.key, plan.round()); // the round is in its checkpoint now
    String started = run.version; // the version this round's sites trained from (and evaluated on their held-out data)
    run.global = result.global();
    run.version = result.version();
    Evaluation eval = result.evaluation();
    long roundBytes = federation.drainBytes(run.key);
    RoundRecord rec = record(plan, updates, missed, result, roundBytes, closedAt);
    // q as the round was opened: its participants among the eligible sites counted then (status.activeSites)
    st.privacy = TrainingPrivacy.afterRound(s, st.privacy, plan.participants().size(), st.activeSites == null ? 0 : st.activeSites);
    rec.epsilon = st.privacy == null ? null : st.privacy.epsilon;
    rec.refused = RoundRefusals.record(refused);
    quarantine(ft, run, plan.round(), refused, delivered);
    st.quarantined = run.quarantine.toStatus();
    MetricValue metric = new MetricValue(eval.metricName(), TrainingStatuses.round4(eval.metric()));
    metrics.roundCompleted(Duration.between(plan.openedAt(), closedAt), updates.size());
    recorder.modelVersion(run, result, plan.round());
    LOG.info("{}: round {}/{} done: {} sites, {} samples, train loss {}, {} {}, {} bytes, {} s", run.key, plan.round(), s.rounds,
        updates.size(), result.samples(), fmt(result.trainLoss()), eval.metricName(), fmt(eval.metric()), roundBytes, fmt(rec.seconds));
    events.normal(ft, "RoundCompleted", "round " + plan.round() + ": " + updates.size() + " sites, " + eval.metricName() + " "
        + fmt(eval.metric()));
    TrainingStatuses.roundCompleted(st, previous, ft, rec, run.version, metric, roundBytes);
    HeldOutEvaluations.record(st, updates, started, plan.round() - 1, eval.metricName());
    boolean target = targetReached(s.target, eval);
    if (target || plan.round() >= s.rounds) {
      // the last version has no next round to judge it on the sites' held-out data: its sites judge it now
      return HeldOutEvaluations.ofLastVersion(evaluations, ft, st, previous, run, plan.round(), updates,
          (ft2, st2, previous2) -> finish(ft2, st2, previous2, target));
    }
    return open(ft, st, previous, run, plan.round() + 1, 1, Set.of()); // no idle time between rounds
  }

  /** Sites refused round after round sit out the next rounds of this training; their EdgeSite and an Event say why. */
  private void quarantine(FederatedTraining ft, TrainingRun run, int round, Map<String, String> refused, Set<String> delivered) {
    FederatedTrainingSpec.Participants p = ft.getSpec().participants;
    int after = p == null || p.quarantineAfter == null ? TrainingDefaults.QUARANTINE_AFTER : p.quarantineAfter;
    int rounds = p == null || p.quarantineRounds == null ? TrainingDefaults.QUARANTINE_ROUNDS : p.quarantineRounds;
    for (SiteQuarantine.Entry e : run.quarantine.afterRound(round, refused, delivered, after, rounds,
        name -> candidates.generationOf(run.namespace, name))) {
      String until = e.untilRound() != null ? "until round " + e.untilRound() + " of " + run.key
          : "until its EdgeSite is re-admitted (any spec edit, e.g. cordon and uncordon)";
      String message = "site " + e.site() + " is not selected " + until + ": " + e.reason();
      LOG.warn("{}: {}", run.key, message);
      recorder.quarantine(run.namespace, run.key, e.site(), e);
      events.warning(ft, "SiteQuarantined", message);
      candidates.find(run.namespace, e.site()).ifPresent(site -> events.warning(site, "Quarantined", "by " + run.key + " " + until
          + ": " + e.reason()));
    }
  }

  private Step finish(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, boolean target) {
    TrainingStatuses.succeeded(st, previous, ft, target);
    String reason = target ? "TargetReached" : "Succeeded";
    String message = TrainingStatuses.successMessage(ft, st, target);
    events.normal(ft, reason, message);
    LOG.info("{}/{}: {}", ft.getMetadata().getNamespace(), ft.getMetadata().getName(), message);
    return new Step(st, null, true);
  }

  /**
   * The next round would spend more privacy than spec.privacy.epsilonBudget: the model of the rounds
   * done is the result (Succeeded, as when the rounds run out); with no round done there is none.
   */
  private Step privacyBudgetExhausted(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous,
      TrainingRun run, String why) {
    federation.inbox.close(run.key); // a retried round's updates are never aggregated
    run.open = null;
    if (st.round == null || st.round == 0) {
      return fail(ft, st, previous, run, TrainingStatuses.PRIVACY_BUDGET_EXHAUSTED, why
          + ". Raise spec.privacy.epsilonBudget or spec.privacy.noiseMultiplier, or select fewer sites per round");
    }
    TrainingStatuses.privacyBudgetExhausted(st, previous, ft, why);
    events.normal(ft, TrainingStatuses.PRIVACY_BUDGET_EXHAUSTED, why);
    LOG.info("{}: stopped: {}", run.key, why);
    return new Step(st, null, true);
  }

  private Step fail(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run, String reason,
      String message) {
    events.warning(ft, reason, message);
    LOG.error("{}: Failed ({}): {}", run.key, reason, message);
    return new Step(TrainingStatuses.failed(st, previous, ft, reason, message), null, true);
  }

  static RoundRecord record(RoundPlan plan, List<UpdateFacts> updates, List<String> missed, ModelStep.Result result,
      long bytes, Instant now) {
    RoundRecord rec = new RoundRecord();
    rec.round = plan.round();
    rec.participants = updates.stream().map(UpdateFacts::site).sorted().toList();
    rec.missed = missed;
    rec.samples = result.samples();
    rec.loss = TrainingStatuses.round4(result.trainLoss());
    rec.metric = TrainingStatuses.round4(result.evaluation().metric());
    rec.bytes = bytes;
    rec.seconds = TrainingStatuses.round4(Duration.between(plan.openedAt(), now).toMillis() / 1000.0);
    rec.attempts = plan.attempt();
    rec.siteMetrics = siteMetrics(updates);
    rec.selection = PlannedSelection.forRecord(plan.selection());
    rec.encodings = PlannedSelection.forRecord(plan.encodings());
    double slowest = updates.stream().mapToDouble(UpdateFacts::workSeconds).max().orElse(Double.NaN);
    boolean allReported = updates.stream().allMatch(u -> Double.isFinite(u.workSeconds()));
    if (allReported && plan.attempt() == 1) { // a retried round's time includes the failed attempt
      rec.overheadSeconds = TrainingStatuses.round4(Math.max(0, rec.seconds - slowest));
    }
    rec.completedAt = Conditions.now();
    return rec;
  }

  /** The sites' own metrics, as reported: peer numbers, so only finite ones are kept (and rounded, as the status's others). */
  static java.util.Map<String, Double> siteMetrics(List<UpdateFacts> updates) {
    java.util.Map<String, Double> m = new java.util.TreeMap<>();
    for (UpdateFacts u : updates) {
      if (Double.isFinite(u.localMetric())) {
        m.put(u.site(), TrainingStatuses.round4(u.localMetric()));
      }
    }
    return m.isEmpty() ? null : m;
  }

  /** After a restart the open round's attempt count continues from status. */
  private static int resumedAttempt(FederatedTrainingStatus st, int round) {
    boolean wasOpen = st.roundAttempt != null && st.roundStartedAt != null && st.round != null && st.round == round - 1;
    return wasOpen ? st.roundAttempt : 1;
  }

  static int minSites(FederatedTrainingSpec s) {
    return s.participants == null || s.participants.minSites == null ? TrainingDefaults.MIN_SITES : s.participants.minSites;
  }

  static boolean targetReached(FederatedTrainingSpec.Target target, Evaluation eval) {
    if (target == null || target.metric == null || target.value == null) {
      return false;
    }
    return switch (target.metric) {
      case ACCURACY -> "accuracy".equals(eval.metricName()) && eval.metric() >= target.value;
      case MSE -> "mse".equals(eval.metricName()) && eval.metric() <= target.value;
      case LOSS -> eval.loss() <= target.value;
    };
  }

  private static String fmt(double v) {
    return String.format("%.4f", v);
  }
}
