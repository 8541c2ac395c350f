package io.fedmesh.operator.serving;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.coordinator.PublishedModels;
import io.fedmesh.operator.coordinator.ServingBoard;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpointed versions for serving sites to download, encoded once and kept for the few most
 * recently asked (a download is many resumable calls; serving sites ask for the same version).
 */
public final class CheckpointVersions implements ServingBoard.VersionSource {
  // a ResNet-18 is ~45 MB encoded: two stay well inside the operator's memory budget
  private static final int KEEP = 2;

  private final CheckpointStore store;
  private final Map<String, PublishedModels.Published> recent = new LinkedHashMap<>(KEEP, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PublishedModels.Published> eldest) {
      return size() > KEEP;
    }
  };

  public CheckpointVersions(CheckpointStore store) {
    this.store = store;
  }

  @Override
  public synchronized Optional<PublishedModels.Published> load(String training, String version) {
    String key = training + "@" + version;
    PublishedModels.Published p = recent.get(key);
    if (p != null) {
      return Optional.of(p);
    }
    int slash = training.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String ns = training.substring(0, slash);
    String name = training.substring(slash + 1);
    Optional<ModelDescription> model = store.loadModel(ns, name);
    Optional<float[]> weights = model.isEmpty() ? Optional.empty() : store.load(ns, name, version);
    if (weights.isEmpty()) {
      return Optional.empty();
    }
    p = new PublishedModels.Published(version, model.get(), UpdateCodec.encode(weights.get(), UpdateEncoding.F32));
    recent.put(key, p);
    return Optional.of(p);
  }
}
