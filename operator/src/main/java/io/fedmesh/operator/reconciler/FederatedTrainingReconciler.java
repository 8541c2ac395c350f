package io.fedmesh.operator.reconciler;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.operator.rounds.TrainingRounds;
import io.fedmesh.operator.rounds.TrainingStatuses;
import io.fedmesh.operator.rounds.TrainingWakeups;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.CoalescingStatusWriter;
import io.fedmesh.operator.validation.MemoryBudget;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.operator.validation.TrainingValidator;
import io.fedmesh.operator.validation.ValidationResult;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * observe (the newest status; finished? nothing to do) -> validate (spec, then the
 * DistributedModel it names) -> advance the rounds one step ({@link TrainingRounds}) -> record
 * status (handed to the kind's one writer, {@link CoalescingStatusWriter}, so a reconcile never waits on the API server). Woken by accepted updates and site
 * events ({@link TrainingWakeups}) and by a requeue at the open round's deadline.
 */
@ControllerConfiguration(name = "federatedtraining")
public final class FederatedTrainingReconciler implements Reconciler<FederatedTraining> {
  private static final Logger LOG = LoggerFactory.getLogger(FederatedTrainingReconciler.class);
  private static final Duration RECHECK = Duration.ofSeconds(5);
  /** After a round step threw: long enough not to spin on a lasting fault, short enough to heal a passing one. */
  static final Duration ERROR_RETRY = Duration.ofSeconds(30);

  private final Function<String, Optional<DistributedModel>> models;
  private final TrainingRounds rounds;
  private final TrainingWakeups wakeups;
  private final CoalescingStatusWriter<FederatedTrainingStatus, FederatedTraining> status;
  private final io.micrometer.core.instrument.Timer latency;
  private final EventRecorder events;
  private final TrainingValidator validator = new TrainingValidator();
  private final ModelResolver resolver;
  private final MemoryBudget memory;
  private final ToIntFunction<String> sitesInNamespace;
  /** Trainings whose round step threw: not retried before {@code until} unless their spec changes. */
  private final Map<String, Backoff> errors = new ConcurrentHashMap<>();

  private record Backoff(Instant until, Long generation) {}

  /**
   * @param memory what a training's rounds may hold; one that needs more does not start
   * @param sitesInNamespace EdgeSites a namespace has now (the cohort of a training without maxSites)
   */
  public FederatedTrainingReconciler(Function<String, Optional<DistributedModel>> models, TrainingRounds rounds, TrainingWakeups wakeups,
      CoalescingStatusWriter<FederatedTrainingStatus, FederatedTraining> status, EventRecorder events,
      io.micrometer.core.instrument.Timer latency, MemoryBudget memory, ToIntFunction<String> sitesInNamespace, ModelResolver resolver) {
    this.resolver = resolver;
    this.memory = memory;
    this.sitesInNamespace = sitesInNamespace;
    this.models = models;
    this.rounds = rounds;
    this.wakeups = wakeups;
    this.status = status;
    this.events = events;
    this.latency = latency;
  }

  @Override
  public List<EventSource<?, FederatedTraining>> prepareEventSources(EventSourceContext<FederatedTraining> context) {
    return List.of(wakeups.source());
  }

  @Override
  public UpdateControl<FederatedTraining> reconcile(FederatedTraining seen, Context<FederatedTraining> context) {
    return latency.record(() -> doReconcile(status.newest(seen)));
  }

  private UpdateControl<FederatedTraining> doReconcile(FederatedTraining ft) {
    if (rounds.closed()) {
      return UpdateControl.noUpdate(); // this operator is stopping: the next one resumes the training
    }
    String ns = ft.getMetadata().getNamespace();
    String key = ns + "/" + ft.getMetadata().getName();
    FederatedTrainingStatus st = ft.getStatus();
    if (st != null && (st.phase == FederatedTrainingStatus.Phase.Succeeded || st.phase == FederatedTrainingStatus.Phase.Failed)) {
      rounds.discard(key);
      errors.remove(key);
      return UpdateControl.noUpdate();
    }
    Backoff backoff = errors.get(key);
    if (backoff != null) {
      Instant now = Instant.now();
      if (now.isBefore(backoff.until()) && backoff.generation().equals(ft.getMetadata().getGeneration())) {
        return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(Duration.between(now, backoff.until()));
      }
      errors.remove(key); // its time has come, or the spec was edited (a fix, maybe): try again now
    }
    ValidationResult v = validator.validate(ft.getSpec());
    if (!v.ok()) {
      rounds.end(key);
      notReady(ft, "ValidationFailed", v.message());
      return UpdateControl.noUpdate();
    }
    Optional<DistributedModel> dm = Optional.empty();
    if (!rounds.isRunning(ft)) { // a running training keeps the model it started with
      dm = models.apply(ns + "/" + ft.getSpec().modelRef);
      if (dm.isEmpty()) {
        notReady(ft, "ModelNotFound", "spec.modelRef: DistributedModel '" + ft.getSpec().modelRef + "' does not exist in namespace "
            + ns + "; create it (kubectl apply -f examples/distributedmodel.yaml) or fix spec.modelRef");
        return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
      }
      ModelResolver.Resolved model = resolver.resolve(dm.get().getSpec());
      if (model.spec() == null) {
        notReady(ft, "ValidationFailed", "DistributedModel " + ft.getSpec().modelRef + " is invalid: " + model.validation().message());
        return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
      }
      Optional<String> tooBig = memory.check(ft.getSpec(), model.spec(), sitesInNamespace.applyAsInt(ns));
      if (tooBig.isPresent()) {
        notReady(ft, "MemoryBudgetExceeded", tooBig.get());
        return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
      }
      Optional<String> evaluator = rounds.evaluatorProblem(ft);
      if (evaluator.isPresent()) {
        notReady(ft, "EvaluatorNotFound", evaluator.get());
        return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
      }
      LOG.info("{}: starting rounds ({} rounds, model {})", key, ft.getSpec().rounds, model.spec());
    }
    TrainingRounds.Advanced step;
    try {
      step = rounds.advance(ft, dm.orElse(null));
    } catch (RuntimeException | OutOfMemoryError e) {
      return roundError(ft, key, e);
    }
    if (step.status() != null) {
      status.replace(ns, ft.getMetadata().getName(), step.status());
    }
    if (step.ended()) {
      rounds.discard(key);
    }
    return step.requeue() == null ? UpdateControl.noUpdate() : UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(step.requeue());
  }

  /**
   * A step of the rounds threw (a bug, a full checkpoint volume, an OutOfMemoryError in
   * aggregation): the training says so in a condition, the log has the stack trace, and the run
   * is rebuilt from status, checkpoint and durable inbox on the next try, instead of JOSDK retrying
   * silently with the in-memory run in an unknown state.
   */
  private UpdateControl<FederatedTraining> roundError(FederatedTraining ft, String key, Throwable e) {
    rounds.end(key); // in-memory state only: the acknowledged updates stay on disk for the rebuilt run
    boolean oom = e instanceof OutOfMemoryError;
    String message = oom
        ? "the round ran out of memory (" + e.getMessage() + "; heap max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, --memory-budget "
            + (memory.budgetBytes() >> 20) + " MiB): lower spec.participants.maxSites, or raise the operator's memory limit and"
            + " --memory-budget together; retrying from the last checkpoint in " + ERROR_RETRY.toSeconds() + " s"
        : "the round step failed: " + e.getClass().getSimpleName() + ": " + e.getMessage() + "; retrying from the last checkpoint in "
            + ERROR_RETRY.toSeconds() + " s (see the operator log for the stack trace)";
    LOG.error("{}: {}", key, message, e);
    errors.put(key, new Backoff(Instant.now().plus(ERROR_RETRY), ft.getMetadata().getGeneration()));
    notReady(ft, oom ? "OutOfMemory" : "RoundError", message);
    return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(ERROR_RETRY);
  }

  private void notReady(FederatedTraining ft, String reason, String message) {
    FederatedTrainingStatus previous = ft.getStatus();
    FederatedTrainingStatus st = previous == null ? new FederatedTrainingStatus()
        : io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().convertValue(previous, FederatedTrainingStatus.class);
    status.replace(ft.getMetadata().getNamespace(), ft.getMetadata().getName(), TrainingStatuses.notReady(st, previous, ft, reason, message));
    boolean changed = previous == null || previous.condition(io.fedmesh.api.v1alpha1.FedmeshApi.CONDITION_READY) == null
        || !message.equals(previous.condition(io.fedmesh.api.v1alpha1.FedmeshApi.CONDITION_READY).getMessage());
    if (changed) {
      events.warning(ft, reason, message);
      LOG.warn("{}/{}: {}: {}", ft.getMetadata().getNamespace(), ft.getMetadata().getName(), reason, message);
    }
  }
}
