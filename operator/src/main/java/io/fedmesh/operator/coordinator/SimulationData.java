package io.fedmesh.operator.coordinator;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulation samples each training serves to its cloud-side simulation learner: the CSV of
 * every finished SimulationBurst the training draws on, joined (header once), under a version that
 * changes when the set of samples does.
 */
public final class SimulationData {
  /** One published data set. */
  public record Published(String version, byte[] csv, long samples, java.util.List<String> bursts) {}

  private final Map<String, Published> byTraining = new ConcurrentHashMap<>();

  public void publish(String training, Published data) {
    byTraining.put(training, data);
  }

  public Optional<Published> get(String training) {
    return Optional.ofNullable(byTraining.get(training));
  }

  public void remove(String training) {
    byTraining.remove(training);
  }
}
