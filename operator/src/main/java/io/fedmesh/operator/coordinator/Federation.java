package io.fedmesh.operator.coordinator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The coordinator's in-memory state, shared by the gRPC service and the training runners. */
public final class Federation {
  public final SiteRegistry sites = new SiteRegistry();
  public final AssignmentBoard assignments = new AssignmentBoard();
  public final PublishedModels models = new PublishedModels();
  public final SimulationData simulationData = new SimulationData();
  public final ServingBoard serving = new ServingBoard();
  /** Model versions sites are asked to evaluate (an evaluator's test set, the last version's held-out splits). */
  public final EvaluationBoard evaluations = new EvaluationBoard();
  /** Each site's forecast of its next round time, from what it measured in its last. */
  public final io.fedmesh.operator.sites.SiteForecasts forecasts = new io.fedmesh.operator.sites.SiteForecasts();
  public final UpdateInbox inbox;
  private final Map<String, AtomicLong> bytesByTraining = new ConcurrentHashMap<>();
  private final Map<String, Reliability> reliability = new ConcurrentHashMap<>();
  private final java.util.List<java.util.function.BiConsumer<String, String>> siteListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Memory the uploads in flight may hold at once. */
  public final UploadWindow uploads;

  /** @param acceptedUpdates where acknowledged updates are persisted before the ack (the checkpoint volume) */
  public Federation(io.fedmesh.operator.checkpoint.AcceptedUpdateStore acceptedUpdates) {
    this(acceptedUpdates, UploadWindow.unlimited());
  }

  public Federation(io.fedmesh.operator.checkpoint.AcceptedUpdateStore acceptedUpdates, UploadWindow uploads) {
    this.inbox = new UpdateInbox(acceptedUpdates);
    this.uploads = uploads;
  }

  /** Hears (namespace, site) of every site that registered, came back, went Offline or changed Degraded. */
  public void onSiteChange(java.util.function.BiConsumer<String, String> listener) {
    siteListeners.add(listener);
  }

  public void siteChanged(String namespace, String site) {
    siteListeners.forEach(l -> l.accept(namespace, site));
  }

  /** Rounds a site delivered in time and rounds it missed (placement prefers reliable sites). */
  public record Reliability(long completed, long missed) {}

  public Reliability reliability(String siteKey) {
    return reliability.getOrDefault(siteKey, new Reliability(0, 0));
  }

  public Reliability recordRound(String siteKey, boolean delivered) {
    return reliability.merge(siteKey, delivered ? new Reliability(1, 0) : new Reliability(0, 1),
        (a, b) -> new Reliability(a.completed() + b.completed(), a.missed() + b.missed()));
  }

  /** Counts model or update bytes moved for a training. */
  public void addBytes(String training, long bytes) {
    bytesByTraining.computeIfAbsent(training, k -> new AtomicLong()).addAndGet(bytes);
  }

  /** Forgets a training's byte counter (it ended or was deleted). */
  public void forgetBytes(String training) {
    bytesByTraining.remove(training);
  }

  /** Bytes moved for a training since the last call (read once per round). */
  public long drainBytes(String training) {
    AtomicLong counter = bytesByTraining.get(training);
    return counter == null ? 0 : counter.getAndSet(0);
  }
}
