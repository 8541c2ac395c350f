package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a training's reconciler when something its open round waits for happens: an update was
 * accepted (the round may be complete), a site registered, came back, went Offline or Degraded.
 * A JOSDK inbound event source: the wake-up is an ordinary reconcile, serialised with the others
 * of the same training, never a thread of its own.
 */
public final class TrainingWakeups {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingWakeups.class);

  private final SimpleInboundEventSource<FederatedTraining> source = new SimpleInboundEventSource<>("training-wakeups");
  private final TrainingRuns runs;

  public TrainingWakeups(TrainingRuns runs) {
    this.runs = runs;
  }

  public SimpleInboundEventSource<FederatedTraining> source() {
    return source;
  }

  /** Wakes one training, by namespace/name. */
  public void wake(String key) {
    int slash = key.indexOf('/');
    try {
      source.propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
    } catch (RuntimeException e) {
      LOG.debug("{}: wake-up before the controller started: {}", key, e.getMessage());
    }
  }

  /**
   * Wakes every training that has not ended, once the controller runs: a restarted operator
   * resumes them even if the informer's first event for one was not delivered (a restart in the
   * middle of a round was seen to leave a training unreconciled until its next edit).
   */
  public void wakeUnfinished(java.util.List<FederatedTraining> trainings) {
    for (FederatedTraining ft : trainings) {
      var st = ft.getStatus();
      boolean ended = st != null && (st.phase == io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Phase.Succeeded
          || st.phase == io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Phase.Failed);
      if (!ended) {
        wake(ft.getMetadata().getNamespace() + "/" + ft.getMetadata().getName());
      }
    }
  }

  /** Wakes the trainings a change of {@code site} concerns. */
  public void siteChanged(String namespace, String site) {
    runs.concernedBy(namespace, site).forEach(this::wake);
  }
}
