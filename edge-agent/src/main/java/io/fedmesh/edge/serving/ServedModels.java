package io.fedmesh.edge.serving;

import io.fedmesh.models.export.ExportedModel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The models this site serves now, by DistributedModel name; a replaced model is unloaded once its running batch ends. */
public final class ServedModels implements AutoCloseable {
  /** One served model: the DistributedModel's name, the training that produced it, and the loaded version. */
  public record Served(String name, String training, ExportedModel model) {
    public String version() {
      return model.manifest().version();
    }
  }

  private final Map<String, Served> byName = new ConcurrentHashMap<>();

  /** Serves {@code served} in place of what was served under its name. */
  public void put(Served served) {
    Served old = byName.put(served.name(), served);
    if (old != null && old.model() != served.model()) {
      old.model().close();
    }
  }

  public Optional<Served> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Stops serving {@code name}. */
  public void remove(String name) {
    Served old = byName.remove(name);
    if (old != null) {
      old.model().close();
    }
  }

  public Map<String, Served> all() {
    return Map.copyOf(byName);
  }

  @Override
  public void close() {
    byName.keySet().forEach(this::remove);
  }
}
