package io.fedmesh.operator.coordinator;

import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.TorchScripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes of the TorchScript files the coordinator serves, read once per file and shared by
 * every site's download (each download used to read the whole file again: sixteen sites starting
 * a round held sixteen copies). A file is only served while it still has the digest the model
 * was validated with. The few most recent files are kept; the model spec names one per training.
 */
final class ScriptBytes {
  static final int KEPT = 8;

  private final Map<String, byte[]> bySha = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > KEPT;
    }
  };

  /**
   * The file's bytes, or empty when the operator has no file of that digest.
   *
   * @throws IOException when the file cannot be read, or no longer has the digest
   */
  synchronized Optional<byte[]> of(ModelDescription.ScriptRef ref) throws IOException {
    byte[] cached = bySha.get(ref.sha256());
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Path> file = TorchScripts.path(ref);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    byte[] data = Files.readAllBytes(file.get());
    String actual = io.fedmesh.common.codec.Digests.sha256Hex(data);
    if (!actual.equals(ref.sha256())) {
      throw new IOException(file.get() + " changed since it was validated (sha256 now " + actual + ", the model says " + ref.sha256()
          + "): restore it, or apply the DistributedModel again");
    }
    bySha.put(ref.sha256(), data);
    return Optional.of(data);
  }
}
