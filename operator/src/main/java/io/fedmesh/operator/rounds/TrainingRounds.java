package io.fedmesh.operator.rounds;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.sites.SiteStatusWriter;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.CoalescingStatusWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The rounds of every training, one step at a time: the reconciler's "act" step. Builds or
 * resumes a training's run, checks that the spec it runs with still holds (edits of modelRef or
 * strategy are refused, others apply from the next round), and advances the round state machine.
 */
public final class TrainingRounds {
  /** The status to record (null: unchanged), when to look again (null: on the next event), whether the run ended. */
  public record Advanced(FederatedTrainingStatus status, Duration requeue, boolean ended) {}

  private final TrainingRuns runs;
  private final RoundStateMachine machine;
  private final BufferedStateMachine buffered;
  private final EventRecorder events;
  private final RoundRecorder recorder;
  private final Function<String, List<EdgeSite>> sitesInNamespace;
  private final Candidates candidates;

  public TrainingRounds(TrainingRuns runs, Federation federation, CheckpointStore checkpoints, EventRecorder events, OperatorMetrics metrics,
      Function<String, List<EdgeSite>> sitesInNamespace, CoalescingStatusWriter<DistributedModelStatus, DistributedModel> models,
      SiteStatusWriter sites, Clock clock) {
    this.runs = runs;
    this.events = events;
    this.recorder = new RoundRecorder(federation, models, sites);
    this.sitesInNamespace = sitesInNamespace;
    this.candidates = new Candidates(federation, sitesInNamespace);
    ModelStep modelStep = new ModelStep(checkpoints, metrics);
    VersionEvaluations evaluations = new VersionEvaluations(federation, clock);
    this.machine = new RoundStateMachine(federation, candidates, modelStep, recorder, events, metrics, clock, evaluations);
    this.buffered = new BufferedStateMachine(federation, candidates, modelStep, recorder, events, metrics, checkpoints, clock, evaluations);
  }

  private volatile boolean closed;
  /** A run ended under a reconcile in flight is started again this soon, with its model. */
  static final Duration RESTART_AFTER_END = Duration.ofSeconds(1);

  /** Why the evaluator site {@code ft} names cannot evaluate for it, or empty (none named, or a Ready-to-be evaluator). */
  public java.util.Optional<String> evaluatorProblem(FederatedTraining ft) {
    String name = VersionEvaluations.evaluatorOf(ft.getSpec());
    if (name == null) {
      return java.util.Optional.empty();
    }
    String ns = ft.getMetadata().getNamespace();
    EdgeSite site = candidates.find(ns, name).orElse(null);
    if (site == null) {
      return java.util.Optional.of("spec.evaluation.evaluatorRef: EdgeSite '" + name + "' does not exist in namespace " + ns
          + "; create it with spec.role: evaluator and start its agent with --data on the test set, or remove evaluatorRef");
    }
    if (site.getSpec() == null || !site.getSpec().evaluator()) {
      return java.util.Optional.of("spec.evaluation.evaluatorRef: EdgeSite '" + name + "' is a learner (spec.role); set spec.role:"
          + " evaluator on it (it will no longer train) or name an evaluator site");
    }
    return java.util.Optional.empty();
  }

  public boolean isRunning(FederatedTraining ft) {
    return runs.get(key(ft)).map(r -> r.uid.equals(ft.getMetadata().getUid())).orElse(false);
  }

  /** One step; {@code dm} is the model to start with when the training has no run yet. */
  public Advanced advance(FederatedTraining ft, DistributedModel dm) {
    FederatedTrainingStatus previous = ft.getStatus();
    TrainingRun known = runs.get(key(ft)).filter(r -> r.uid.equals(ft.getMetadata().getUid())).orElse(null);
    if (known != null && known.buffered == null && previous != null && ft.getMetadata().getGeneration().equals(previous.specGeneration)) {
      // most wake-ups are an update of a round that still waits for others: nothing to copy or write
      Duration wait = machine.stillWaiting(known);
      if (wait != null) {
        return new Advanced(null, wait, false);
      }
    }
    FederatedTrainingStatus st = previous == null ? new FederatedTrainingStatus()
        : Serialization.jsonMapper().convertValue(previous, FederatedTrainingStatus.class);
    TrainingRuns.Started started = runs.obtain(ft, dm);
    if (started.gone()) {
      // ended while this reconcile was under way: write nothing; a live operator starts it afresh
      return new Advanced(null, closed ? null : RESTART_AFTER_END, false);
    }
    if (started.run() == null) {
      events.warning(ft, started.failReason(), started.failMessage());
      return new Advanced(TrainingStatuses.failed(st, previous, ft, started.failReason(), started.failMessage()), null, true);
    }
    TrainingRun run = started.run();
    st.pinnedSpec = run.pinnedSpec;
    checkSpec(ft, st, previous, run);
    RoundStateMachine.Step step = run.buffered != null ? buffered.advance(ft, st, previous, run) : machine.advance(ft, st, previous, run);
    return new Advanced(step.status(), step.requeue(), step.ended());
  }

  private void checkSpec(FederatedTraining ft, FederatedTrainingStatus st, FederatedTrainingStatus previous, TrainingRun run) {
    Long generation = ft.getMetadata().getGeneration();
    if (st.specGeneration != null && st.specGeneration.equals(generation)) {
      return;
    }
    if (!TrainingRuns.pinnedSpec(ft.getSpec()).equals(run.pinnedSpec)) {
      String message = "generation " + generation + " changes spec.modelRef, spec.strategy or spec.seed, which a running training keeps: it"
          + " goes on with generation " + st.specGeneration + "'s " + run.pinnedSpec + ". Revert the change, or create a new"
          + " FederatedTraining for the new model or strategy";
      if (previous == null || previous.condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED) == null
          || !message.equals(previous.condition(TrainingStatuses.CONDITION_SPEC_ACCEPTED).getMessage())) {
        events.warning(ft, "SpecChangeRefused", message);
      }
      TrainingStatuses.specAccepted(st, previous, ft, false, message);
      return;
    }
    String message = st.specGeneration == null ? "running with generation " + generation
        : "generation " + generation + " applies from the next round boundary (rounds, deadline, participants)";
    if (st.specGeneration != null) {
      events.normal(ft, "SpecChangeApplied", message);
    }
    TrainingStatuses.specAccepted(st, previous, ft, true, message);
  }

  /** The training ended or is gone: its run and its persisted updates go. */
  public void discard(String key) {
    runs.discard(key);
  }

  /** This process stops running the training for now (its persisted updates stay for a later run). */
  public void end(String key) {
    runs.end(key);
  }

  /**
   * The training was deleted: the sites it quarantined no longer name it. (A finished training's
   * quarantines stay on its sites, as in its own status, until it is deleted.)
   */
  public void deleted(String key) {
    runs.discard(key); // its persisted updates go with it
    String namespace = key.substring(0, Math.max(0, key.indexOf('/')));
    for (EdgeSite site : sitesInNamespace.apply(namespace)) {
      var q = site.getStatus() == null ? null : site.getStatus().quarantinedBy;
      if (q != null && q.stream().anyMatch(x -> key.equals(x.training))) {
        recorder.quarantine(namespace, key, site.getMetadata().getName(), null);
      }
    }
  }

  /**
   * Ends every run for good: the operator is stopping. A reconcile already in flight must not start
   * the training again in this operator (it would run a round on a closed coordinator and write a
   * status the next operator then races).
   */
  public void endAll() {
    closed = true;
    runs.endAll();
  }

  /** Whether {@link #endAll} has been called: no round runs here any more. */
  public boolean closed() {
    return closed;
  }

  private static String key(FederatedTraining ft) {
    return ft.getMetadata().getNamespace() + "/" + ft.getMetadata().getName();
  }
}
