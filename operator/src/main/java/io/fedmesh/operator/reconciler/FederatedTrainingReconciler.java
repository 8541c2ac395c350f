package io.fedmesh.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.rounds.TrainingRunners;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusPatcher;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.operator.validation.TrainingValidator;
import io.fedmesh.operator.validation.ValidationResult;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * observe (finished? nothing to do) -> validate (spec, then the DistributedModel it names) -> act
 * (make sure a runner drives the rounds) -> record status (only on validation problems: the
 * runner owns progress).
 */
@ControllerConfiguration(name = "federatedtraining")
public final class FederatedTrainingReconciler implements Reconciler<FederatedTraining> {
  private static final Logger LOG = LoggerFactory.getLogger(FederatedTrainingReconciler.class);
  private static final Duration RECHECK = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final TrainingRunners runners;
  private final StatusPatcher patcher;
  private final io.micrometer.core.instrument.Timer latency;
  private final EventRecorder events;
  private final TrainingValidator validator = new TrainingValidator();
  private final ModelResolver resolver = new ModelResolver();

  public FederatedTrainingReconciler(KubernetesClient client, TrainingRunners runners, StatusPatcher patcher, EventRecorder events,
      io.micrometer.core.instrument.Timer latency) {
    this.latency = latency;
    this.client = client;
    this.runners = runners;
    this.patcher = patcher;
    this.events = events;
  }

  @Override
  public UpdateControl<FederatedTraining> reconcile(FederatedTraining ft, Context<FederatedTraining> context) {
    return latency.record(() -> doReconcile(ft));
  }

  private UpdateControl<FederatedTraining> doReconcile(FederatedTraining ft) {
    String ns = ft.getMetadata().getNamespace();
    String key = ns + "/" + ft.getMetadata().getName();
    FederatedTrainingStatus st = ft.getStatus();
    if (st != null && (st.phase == FederatedTrainingStatus.Phase.Succeeded || st.phase == FederatedTrainingStatus.Phase.Failed)) {
      return UpdateControl.noUpdate();
    }
    ValidationResult v = validator.validate(ft.getSpec());
    if (!v.ok()) {
      runners.stop(key);
      notReady(ft, "ValidationFailed", v.message());
      return UpdateControl.noUpdate();
    }
    DistributedModel dm = client.resources(DistributedModel.class).inNamespace(ns).withName(ft.getSpec().modelRef).get();
    if (dm == null) {
      notReady(ft, "ModelNotFound", "spec.modelRef: DistributedModel '" + ft.getSpec().modelRef + "' does not exist in namespace "
          + ns + "; create it (kubectl apply -f examples/distributedmodel.yaml) or fix spec.modelRef");
      return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
    }
    ModelResolver.Resolved model = resolver.resolve(dm.getSpec());
    if (model.spec() == null) {
      notReady(ft, "ValidationFailed", "DistributedModel " + ft.getSpec().modelRef + " is invalid: " + model.validation().message());
      return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
    }
    if (ft.getSpec().evaluation != null && ft.getSpec().evaluation.dataPath != null
        && !Files.isReadable(Path.of(ft.getSpec().evaluation.dataPath))) {
      notReady(ft, "ValidationFailed", "spec.evaluation.dataPath '" + ft.getSpec().evaluation.dataPath
          + "' is not a readable file on the operator; mount it (e.g. on the checkpoint volume) or remove spec.evaluation");
      return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(RECHECK);
    }
    if (!runners.isRunning(key)) {
      LOG.info("{}: starting rounds ({} rounds, model {})", key, ft.getSpec().rounds, model.spec());
      runners.ensureRunning(ft);
    }
    return UpdateControl.<FederatedTraining>noUpdate().rescheduleAfter(Duration.ofSeconds(15));
  }

  private void notReady(FederatedTraining ft, String reason, String message) {
    FederatedTrainingStatus previous = ft.getStatus();
    FederatedTrainingStatus st = previous == null ? new FederatedTrainingStatus() : previous;
    if (st.phase == null) {
      st.phase = FederatedTrainingStatus.Phase.Pending;
    }
    Long generation = ft.getMetadata().getGeneration();
    boolean changed = previous == null || previous.condition(FedmeshApi.CONDITION_READY) == null
        || !message.equals(previous.condition(FedmeshApi.CONDITION_READY).getMessage());
    st.observedGeneration = generation;
    Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, reason, message, generation);
    patcher.patch(FederatedTraining.class, ft.getMetadata().getNamespace(), ft.getMetadata().getName(), st);
    if (changed) {
      events.warning(ft, reason, message);
      LOG.warn("{}/{}: {}: {}", ft.getMetadata().getNamespace(), ft.getMetadata().getName(), reason, message);
    }
  }
}
