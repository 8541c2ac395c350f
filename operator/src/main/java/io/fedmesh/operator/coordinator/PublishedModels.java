package io.fedmesh.operator.coordinator;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.model.ModelDescription;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The global model each training currently serves for download, pre-encoded once per version. */
public final class PublishedModels {
  /**
   * One published version.
   *
   * @param sha256 hex SHA-256 of {@code f32}: an agent that holds these bytes is told so instead of sent them again
   */
  public record Published(String version, ModelDescription spec, byte[] f32, String sha256) {
    public Published(String version, ModelDescription spec, byte[] f32) {
      this(version, spec, f32, io.fedmesh.common.codec.Digests.sha256Hex(f32));
    }
  }

  private final Map<String, Published> byTraining = new ConcurrentHashMap<>();

  public void publish(String training, String version, ModelDescription spec, float[] weights) {
    byTraining.put(training, new Published(version, spec, UpdateCodec.encode(weights, UpdateEncoding.F32)));
  }

  public Optional<Published> get(String training) {
    return Optional.ofNullable(byTraining.get(training));
  }

  public void remove(String training) {
    byTraining.remove(training);
  }
}
