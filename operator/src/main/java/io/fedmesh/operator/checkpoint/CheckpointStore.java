package io.fedmesh.operator.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Global model checkpoints on a file system: {@code <dir>/<namespace>/<training>/<version>.bin}
 * (little-endian float32) plus {@code <version>.json} metadata. Written to a temporary file and
 * renamed, so a crash never leaves a torn checkpoint.
 */
public final class CheckpointStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  public CheckpointStore(Path root) {
    this.root = root;
  }

  /** Metadata stored beside the weights. */
  public record Meta(String version, int round, int parameters, String digest, String metricName, Double metric) {}

  public Path save(String namespace, String training, Meta meta, float[] weights) {
    Path dir = root.resolve(namespace).resolve(training);
    try {
      Files.createDirectories(dir);
      Path bin = dir.resolve(meta.version() + ".bin");
      AtomicFiles.write(bin, UpdateCodec.encode(weights, UpdateEncoding.F32));
      AtomicFiles.write(dir.resolve(meta.version() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + meta.version() + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  public Optional<float[]> load(String namespace, String training, String version) {
    Path dir = root.resolve(namespace).resolve(training);
    Path bin = dir.resolve(version + ".bin");
    Path json = dir.resolve(version + ".json");
    if (!Files.exists(bin) || !Files.exists(json)) {
      return Optional.empty();
    }
    try {
      Meta meta = JSON.readValue(json.toFile(), Meta.class);
      return Optional.of(UpdateCodec.decode(Files.readAllBytes(bin), UpdateEncoding.F32, meta.parameters()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + bin + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }
}
