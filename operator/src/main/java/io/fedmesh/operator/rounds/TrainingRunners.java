package io.fedmesh.operator.rounds;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.status.EventRecorder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** One runner thread per active FederatedTraining; starting one twice is a no-op. */
public final class TrainingRunners implements AutoCloseable {
  private record Running(TrainingRunner runner, Future<?> future) {}

  private final KubernetesClient client;
  private final Federation federation;
  private final CheckpointStore checkpoints;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fedmesh-training");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  public TrainingRunners(KubernetesClient client, Federation federation, CheckpointStore checkpoints, EventRecorder events,
      OperatorMetrics metrics) {
    this.client = client;
    this.federation = federation;
    this.checkpoints = checkpoints;
    this.events = events;
    this.metrics = metrics;
  }

  /** Starts a runner unless one for this uid is alive. */
  public synchronized void ensureRunning(FederatedTraining training) {
    String key = training.getMetadata().getNamespace() + "/" + training.getMetadata().getName();
    Running r = running.get(key);
    if (r != null && !r.future.isDone() && r.runner.uid().equals(training.getMetadata().getUid())) {
      return;
    }
    if (r != null) {
      r.runner.stop();
    }
    TrainingRunner runner = new TrainingRunner(client, federation, checkpoints, events, metrics, training);
    running.put(key, new Running(runner, executor.submit(runner)));
  }

  public synchronized void stop(String key) {
    Running r = running.remove(key);
    if (r != null) {
      r.runner.stop();
    }
  }

  public boolean isRunning(String key) {
    Running r = running.get(key);
    return r != null && !r.future.isDone();
  }

  @Override
  public synchronized void close() {
    running.values().forEach(r -> r.runner.stop());
    running.clear();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
