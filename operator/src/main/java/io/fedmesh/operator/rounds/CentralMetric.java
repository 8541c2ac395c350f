package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.operator.coordinator.EvaluationBoard;
import io.fedmesh.operator.status.EventRecorder;
import java.util.Set;

/**
 * A new version's metric: the evaluator site's on its test set (spec.evaluation.evaluatorRef), or,
 * without one, the sites' own metrics averaged. When the evaluator cannot say (gone, too slow, its
 * data does not fit the model) the round still completes, with the average, and an Event says why.
 */
final class CentralMetric {
  private CentralMetric() {}

  /** The rest of a round, given its version with the metric it is kept with. */
  interface Completion {
    RoundStateMachine.Step complete(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous,
        ModelStep.Result evaluated);
  }

  static RoundStateMachine.Step await(VersionEvaluations evaluations, EventRecorder events, FederatedTraining ft,
      FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run, int round, ModelStep.Result result, Completion then) {
    String evaluator = VersionEvaluations.evaluatorOf(ft.getSpec());
    if (evaluator == null) {
      return then.complete(ft, st, previous, result);
    }
    // the whole test set: no held-out fraction
    var local = AssignmentFactory.localTraining(ft.getSpec(), run.strategy).toBuilder().setSeed(run.seed).clearHoldoutFraction().build();
    return evaluations.ask(ft, st, previous, run, round, result.version(), result.global(), Set.of(evaluator), local,
        (ft2, st2, previous2, reports) -> {
          EvaluationBoard.Report r = reports.get(evaluator);
          if (r != null && r.ok()) {
            return then.complete(ft2, st2, previous2, result.evaluatedAs(new Evaluation(r.metricName(), r.metric(), r.loss(), r.samples())));
          }
          String why = r != null ? "could not evaluate it: " + r.error()
              : "did not report (not connected, or not within spec.evaluation.timeoutSeconds)";
          events.warning(ft2, "EvaluationMissing", "version " + result.version() + " is kept with the sites' average "
              + result.evaluation().metricName() + ": evaluator " + evaluator + " " + why);
          return then.complete(ft2, st2, previous2, result);
        });
  }
}
