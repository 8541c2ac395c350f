package io.fedmesh.operator.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.proto.federation.v1.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.fedmesh.common.model.TensorLayout;

/**
 * Global model checkpoints on a file system: {@code <dir>/<namespace>/<training>/<version>.bin}
 * (little-endian float32) plus {@code <version>.json} metadata, and for a strategy with state
 * (FedAdam's moments) {@code <version>.state.bin} beside them. Written to a temporary file and
 * renamed, so a crash never leaves a torn checkpoint; the state is written before the model, so a
 * model that exists always has the state it was made with.
 */
public final class CheckpointStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String STATE = ".state.bin";
  private static final String MODEL = "model.pb";
  /** A ModelSpec of a ResNet-50 is tens of kilobytes. */
  private static final long MAX_MODEL_BYTES = 16L * 1024 * 1024;

  private final Path root;

  public CheckpointStore(Path root) {
    this.root = root;
  }

  /**
   * Metadata stored beside the weights; {@code tensors} names each part of the flat weights (name
   * and shape, in order), so a checkpoint says which network it belongs to. Older checkpoints have none.
   */
  public record Meta(String version, int round, int parameters, String digest, String metricName, Double metric,
      List<TensorEntry> tensors) {
    public Meta(String version, int round, int parameters, String digest, String metricName, Double metric) {
      this(version, round, parameters, digest, metricName, metric, null);
    }

    /** Metadata with the layout's tensors. */
    public static Meta of(String version, int round, String digest, String metricName, Double metric, TensorLayout layout) {
      List<TensorEntry> t = layout.tensors().stream()
          .map(x -> new TensorEntry(x.name(), java.util.Arrays.stream(x.shape()).boxed().toList(), TensorEntry.F32)).toList();
      return new Meta(version, round, Math.toIntExact(layout.parameterCount()), digest, metricName, metric, t);
    }

    /** The layout recorded, empty for a checkpoint written before layouts were. */
    public Optional<TensorLayout> layout() {
      if (tensors == null || tensors.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new TensorLayout(tensors.stream()
          .map(t -> new TensorLayout.Tensor(t.name(), t.shape().stream().mapToLong(Long::longValue).toArray())).toList()));
    }
  }

  /**
   * One named tensor of a checkpoint, in the order the weights file holds them; {@code encoding} is
   * how its values are stored there ("f32": a checkpoint is exact, whatever the updates travelled
   * in; null in a checkpoint written before encodings were recorded, which is f32 too).
   */
  public record TensorEntry(String name, List<Long> shape, String encoding) {
    public static final String F32 = "f32";
  }

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

  /** The metadata of a version, empty when it has no checkpoint. */
  public Optional<Meta> meta(String namespace, String training, String version) {
    Path json = root.resolve(namespace).resolve(training).resolve(version + ".json");
    if (!Files.exists(json)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json.toFile(), Meta.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint metadata " + json + ": " + e.getMessage(), e);
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

  /** Saves a strategy's state after the round that made {@code version} (call before {@link #save}). */
  public void saveState(String namespace, String training, String version, float[] state) {
    Path dir = root.resolve(namespace).resolve(training);
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(version + STATE), UpdateCodec.encode(state, UpdateEncoding.F32));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write strategy state " + version + STATE + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The strategy state saved with {@code version}, empty when none was. */
  public Optional<float[]> loadState(String namespace, String training, String version) {
    Path file = root.resolve(namespace).resolve(training).resolve(version + STATE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length % Float.BYTES != 0) {
        throw new UncheckedIOException(new IOException("strategy state " + file + " is torn: " + bytes.length + " bytes"));
      }
      return Optional.of(UpdateCodec.decode(bytes, UpdateEncoding.F32, bytes.length / Float.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read strategy state " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Saves the network the training's checkpoints are weights of ({@code model.pb}, the ModelSpec
   * with its tensor layout), so a checkpoint can be exported without the cluster.
   */
  public void saveModel(String namespace, String training, ModelDescription model) {
    Path dir = root.resolve(namespace).resolve(training);
    try {
      Files.createDirectories(dir);
      byte[] spec = model.toProto().toByteArray();
      Path file = dir.resolve(MODEL);
      if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), spec)) {
        AtomicFiles.write(file, spec);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + MODEL + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The network of the training's checkpoints; empty when they predate {@link #saveModel}. */
  public Optional<ModelDescription> loadModel(String namespace, String training) {
    Path file = root.resolve(namespace).resolve(training).resolve(MODEL);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      if (Files.size(file) > MAX_MODEL_BYTES) {
        throw new UncheckedIOException(new IOException(file + " is larger than a model spec can be (" + MAX_MODEL_BYTES + " bytes)"));
      }
      return Optional.of(ModelDescription.fromProto(ModelSpec.parseFrom(Files.readAllBytes(file))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The metadata of every checkpointed version of the training, oldest round first. */
  public java.util.List<Meta> versions(String namespace, String training) {
    Path dir = root.resolve(namespace).resolve(training);
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      java.util.List<Meta> out = new java.util.ArrayList<>();
      for (Path json : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        out.add(JSON.readValue(json.toFile(), Meta.class));
      }
      out.sort(java.util.Comparator.comparingInt(Meta::round));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }
}
