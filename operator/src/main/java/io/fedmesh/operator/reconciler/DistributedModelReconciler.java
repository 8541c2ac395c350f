package io.fedmesh.operator.reconciler;

import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusRecorder;
import io.fedmesh.operator.validation.ModelResolver;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.ArrayList;

/**
 * Resolves a DistributedModel to its network and reports it; versions are added by trainings,
 * through the same status owner, so neither overwrites the other's fields.
 */
@ControllerConfiguration(name = "distributedmodel")
public final class DistributedModelReconciler implements Reconciler<DistributedModel> {
  private final StatusRecorder<DistributedModelStatus, DistributedModel> status;
  private final io.micrometer.core.instrument.Timer latency;
  private final EventRecorder events;
  private final ModelResolver resolver;

  public DistributedModelReconciler(StatusRecorder<DistributedModelStatus, DistributedModel> status, EventRecorder events,
      io.micrometer.core.instrument.Timer latency, ModelResolver resolver) {
    this.resolver = resolver;
    this.latency = latency;
    this.status = status;
    this.events = events;
  }

  @Override
  public UpdateControl<DistributedModel> reconcile(DistributedModel model, Context<DistributedModel> context) {
    return latency.record(() -> doReconcile(model));
  }

  private UpdateControl<DistributedModel> doReconcile(DistributedModel model) {
    DistributedModelStatus previous = model.getStatus();
    Long generation = model.getMetadata().getGeneration();
    if (previous != null && generation.equals(previous.observedGeneration)) {
      return UpdateControl.noUpdate();
    }
    ModelResolver.Resolved r = resolver.resolve(model.getSpec());
    if (r.spec() == null) {
      events.warning(model, "ValidationFailed", r.validation().message());
    }
    status.update(model.getMetadata().getNamespace(), model.getMetadata().getName(), st -> {
      st.observedGeneration = generation;
      if (r.spec() == null) {
        Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "ValidationFailed", r.validation().message(), generation);
      } else {
        st.parameters = r.spec().parameterCount();
        st.architecture = r.spec().toString();
        st.tensors = r.spec().layout().tensors().size();
        st.layers = new ArrayList<>();
        if (r.spec().type() == io.fedmesh.common.model.ArchitectureType.MLP) {
          for (int w : r.spec().mlp().layers()) {
            st.layers.add(w);
          }
        }
        Conditions.set(st, previous, FedmeshApi.CONDITION_READY, true, "Resolved", r.spec() + ", " + st.parameters + " parameters",
            generation);
      }
      return st;
    });
    return UpdateControl.noUpdate();
  }
}
