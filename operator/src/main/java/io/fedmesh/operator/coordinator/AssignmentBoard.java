package io.fedmesh.operator.coordinator;

import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Open assignments per site. Each is pushed to the site when published, and heartbeat acks carry
 * it until the update arrives or the round closes, so an agent that reconnects mid-round picks its
 * work up again.
 */
public final class AssignmentBoard {
  private final Map<String, Map<String, TrainAssignment>> bySite = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, TrainAssignment>> listeners = new CopyOnWriteArrayList<>();

  /** Hears every published assignment (the coordinator pushes it to the site's open stream). */
  public void onPublish(BiConsumer<String, TrainAssignment> listener) {
    listeners.add(listener);
  }

  public void publish(String siteKey, TrainAssignment assignment) {
    bySite.computeIfAbsent(siteKey, k -> new ConcurrentHashMap<>()).put(assignment.getTraining(), assignment);
    listeners.forEach(l -> l.accept(siteKey, assignment));
  }

  /** Trainings a site has open assignments for (status.assignedLearners). */
  public List<String> trainingsOf(String siteKey) {
    Map<String, TrainAssignment> m = bySite.get(siteKey);
    return m == null ? List.of() : m.keySet().stream().sorted().toList();
  }

  public void withdraw(String siteKey, String training) {
    Map<String, TrainAssignment> m = bySite.get(siteKey);
    if (m != null) {
      m.remove(training);
    }
  }

  /** Withdraws the site's evaluation of {@code training}, never a training assignment. */
  public void withdrawEvaluation(String siteKey, String training) {
    Map<String, TrainAssignment> m = bySite.get(siteKey);
    if (m != null) {
      m.computeIfPresent(training, (k, a) -> a.getEvaluateOnly() ? null : a);
    }
  }

  public void withdrawAll(String training) {
    bySite.values().forEach(m -> m.remove(training));
  }

  public List<TrainAssignment> forSite(String siteKey) {
    Map<String, TrainAssignment> m = bySite.get(siteKey);
    return m == null ? List.of() : List.copyOf(m.values());
  }
}
