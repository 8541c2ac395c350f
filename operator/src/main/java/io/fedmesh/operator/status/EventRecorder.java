package io.fedmesh.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events at the moments a user cares about (`kubectl describe` shows them). */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  /** Events go out in order from one thread: a reconcile never waits on them. */
  private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
      java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(10_000), r -> {
        Thread t = new Thread(r, "fedmesh-events");
        t.setDaemon(true);
        return t;
      });

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** Events queued and not yet sent. */
  public int backlog() {
    return sender.getQueue().size() + sender.getActiveCount();
  }

  /** Stops sending (events still queued are dropped: they are a courtesy, not state). */
  public void close() {
    sender.shutdownNow();
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Conditions.now();
    try {
      sender.execute(() -> send(about, type, reason, message, now));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("{}/{}: event {} not recorded: {} events queued or the operator is stopping", about.getMetadata().getNamespace(),
          about.getMetadata().getName(), reason, 10_000);
    }
  }

  private void send(HasMetadata about, String type, String reason, String message, String now) {
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(about.getMetadata().getName() + ".").withNamespace(about.getMetadata().getNamespace()).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(about.getApiVersion()).withKind(about.getKind())
              .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
              .withUid(about.getMetadata().getUid()).build())
          .withType(type).withReason(reason).withMessage(message)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent("fedmesh-operator").endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      // an event is a courtesy: never fail the reconcile over it
      LOG.warn("{}/{}: could not record event {}: {}", about.getMetadata().getNamespace(), about.getMetadata().getName(),
          reason, e.getMessage());
    }
  }
}
