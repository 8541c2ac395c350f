package io.fedmesh.operator.coordinator;

import io.fedmesh.common.codec.ModelPatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Patches between two versions of a training's model, made once: every site that held the last
 * version asks for the same one as a round opens. A few are kept, the most recently asked.
 */
final class ModelPatches {
  private static final int KEEP = 4;

  private record Key(String training, String fromSha256, String toSha256) {}

  private final Map<Key, Optional<ModelPatch.Patch>> recent = new LinkedHashMap<>(KEEP, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Optional<ModelPatch.Patch>> eldest) {
      return size() > KEEP;
    }
  };

  synchronized Optional<ModelPatch.Patch> between(String training, PublishedModels.Published from, PublishedModels.Published to) {
    // keyed by content: a training created again under its old name has other bytes behind the same version names
    return recent.computeIfAbsent(new Key(training, from.sha256(), to.sha256()), k -> ModelPatch.between(from.f32(), to.f32()));
  }
}
