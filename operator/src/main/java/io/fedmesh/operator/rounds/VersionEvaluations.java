package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.operator.coordinator.EvaluationBoard;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.coordinator.SiteSession;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks sites to evaluate one model version and holds the run until they have reported, are gone,
 * or the wait (spec.evaluation.timeoutSeconds) is over; then the round that produced the version
 * completes with what came. The operator never evaluates a model itself: an evaluator site holds
 * the test set, and learners hold their held-out splits.
 */
final class VersionEvaluations {
  private static final Logger LOG = LoggerFactory.getLogger(VersionEvaluations.class);

  /** The rest of the step that asked, given the reports that came (by site; possibly none). */
  interface Completion {
    RoundStateMachine.Step complete(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous,
        Map<String, EvaluationBoard.Report> reports);
  }

  /** A run held until {@code sites} reported on {@code version}, or {@code deadline}. */
  record Awaiting(String version, Set<String> sites, Instant deadline, Completion completion) {}

  private final Federation federation;
  private final Clock clock;

  VersionEvaluations(Federation federation, Clock clock) {
    this.federation = federation;
    this.clock = clock;
  }

  /** The evaluator site a training names (spec.evaluation.evaluatorRef), or null. */
  static String evaluatorOf(FederatedTrainingSpec s) {
    return s.evaluation == null || s.evaluation.evaluatorRef == null || s.evaluation.evaluatorRef.isBlank() ? null
        : s.evaluation.evaluatorRef;
  }

  static Duration timeout(FederatedTrainingSpec s) {
    int seconds = s.evaluation == null || s.evaluation.timeoutSeconds == null ? TrainingDefaults.EVALUATION_TIMEOUT_SECONDS
        : s.evaluation.timeoutSeconds;
    return Duration.ofSeconds(seconds);
  }

  /**
   * Asks every available site of {@code sites} to evaluate {@code version} (produced by {@code
   * round}, with {@code weights}) and holds the run; with nobody to ask, completes at once.
   *
   * @param local the held-out split's settings for learners; without a holdout fraction a site evaluates all its data
   */
  RoundStateMachine.Step ask(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run,
      int round, String version, float[] weights, Set<String> sites, LocalTraining local, Completion completion) {
    Set<String> available = new java.util.TreeSet<>();
    sites.stream().filter(site -> available(run, site)).forEach(available::add);
    if (available.isEmpty()) {
      return completion.complete(ft, st, previous, Map.of());
    }
    if (!federation.models.get(run.key).map(p -> p.version().equals(version)).orElse(false)) {
      federation.models.publish(run.key, version, run.model, weights); // what the sites download
    }
    Duration timeout = timeout(ft.getSpec());
    Instant deadline = clock.instant().plus(timeout);
    federation.evaluations.ask(run.key, version, run.model.task().metricName(), available);
    TrainAssignment a = AssignmentFactory.evaluation(run.key, ft.getSpec(), run.model, round, version, local, deadline);
    available.forEach(site -> federation.assignments.publish(run.namespace + "/" + site, a));
    run.awaiting = new Awaiting(version, available, deadline, completion);
    LOG.info("{}: version {} is evaluated by {} (waiting at most {} s)", run.key, version, available, timeout.toSeconds());
    return new RoundStateMachine.Step(TrainingStatuses.evaluating(st, previous, ft, version, available, timeout.toSeconds()), timeout,
        false);
  }

  /** The held run's next step: still waiting, or its completion once every site reported or is gone, or the wait is over. */
  Optional<RoundStateMachine.Step> resume(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous,
      TrainingRun run) {
    Awaiting a = run.awaiting;
    if (a == null) {
      return Optional.empty();
    }
    Map<String, EvaluationBoard.Report> reports = federation.evaluations.reports(run.key, a.version());
    Instant now = clock.instant();
    boolean waiting = now.isBefore(a.deadline())
        && a.sites().stream().anyMatch(site -> !reports.containsKey(site) && available(run, site));
    if (waiting) {
      return Optional.of(new RoundStateMachine.Step(st, Duration.between(now, a.deadline()), false));
    }
    run.awaiting = null;
    federation.evaluations.forget(run.key);
    a.sites().forEach(site -> federation.assignments.withdrawEvaluation(run.namespace + "/" + site, run.key));
    return Optional.of(a.completion().complete(ft, st, previous, reports));
  }

  private boolean available(TrainingRun run, String site) {
    return federation.sites.get(run.namespace, site).map(SiteSession::available).orElse(false);
  }
}
