package io.fedmesh.operator.coordinator;

import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open assignments per site. Heartbeat acks carry them until the update arrives or the round
 * closes, so an agent that reconnects mid-round picks its work up again.
 */
public final class AssignmentBoard {
  private final Map<String, Map<String, TrainAssignment>> bySite = new ConcurrentHashMap<>();

  public void publish(String siteKey, TrainAssignment assignment) {
    bySite.computeIfAbsent(siteKey, k -> new ConcurrentHashMap<>()).put(assignment.getTraining(), assignment);
  }

  public void withdraw(String siteKey, String training) {
    Map<String, TrainAssignment> m = bySite.get(siteKey);
    if (m != null) {
      m.remove(training);
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
