package io.fedmesh.mesh.model;

import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.export.ExportManifest;
import io.fedmesh.models.export.ModelExport;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Exports one checkpointed version of a training (the operator's checkpoint directory) as a model directory. */
public final class CheckpointExport {
  private CheckpointExport() {}

  /**
   * Exports {@code version} (null: the newest) of training {@code namespace/name} from the
   * checkpoint directory {@code checkpoints} into {@code out}; returns the manifest written.
   */
  public static ExportManifest export(Path checkpoints, String namespace, String name, String version, Path out,
      List<String> classNames) {
    if (!Files.isDirectory(checkpoints)) {
      throw new IllegalArgumentException("--checkpoints " + checkpoints + " is not a directory: point it at the operator's"
          + " checkpoint directory (OUT/checkpoints of `fedmesh local`)");
    }
    CheckpointStore store = new CheckpointStore(checkpoints);
    List<CheckpointStore.Meta> versions = store.versions(namespace, name);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("--training " + namespace + "/" + name + " has no checkpoints in " + checkpoints
          + trainingsHint(checkpoints));
    }
    CheckpointStore.Meta meta = version == null ? versions.getLast()
        : versions.stream().filter(m -> m.version().equals(version)).findFirst().orElseThrow(() -> new IllegalArgumentException(
            "--version " + version + " is not checkpointed for " + namespace + "/" + name + "; it has "
                + versions.stream().map(CheckpointStore.Meta::version).collect(Collectors.joining(", "))));
    ModelDescription model = store.loadModel(namespace, name).orElseThrow(() -> new IllegalArgumentException(
        checkpoints.resolve(namespace).resolve(name) + " has no model.pb (the network of its checkpoints): they were written by an"
            + " older operator; train again with this one to export"));
    float[] weights = store.load(namespace, name, meta.version()).orElseThrow(() -> new IllegalArgumentException(
        "the weights of " + meta.version() + " are missing from " + checkpoints.resolve(namespace).resolve(name)));
    ExportManifest manifest = ExportManifest.of(model, meta.version(), meta.metricName(), meta.metric(), weights, classNames);
    if (!manifest.weightsDigest().equals(meta.digest())) {
      throw new IllegalArgumentException(checkpoints.resolve(namespace).resolve(name).resolve(meta.version() + ".bin")
          + " has digest " + manifest.weightsDigest() + " but its metadata says " + meta.digest() + ": the checkpoint is damaged");
    }
    return ModelExport.write(out, model, weights, manifest);
  }

  private static String trainingsHint(Path checkpoints) {
    try (var namespaces = Files.list(checkpoints)) {
      List<String> found = namespaces.filter(Files::isDirectory).flatMap(ns -> {
        try (var trainings = Files.list(ns)) {
          return trainings.filter(Files::isDirectory).map(t -> ns.getFileName() + "/" + t.getFileName()).toList().stream();
        } catch (java.io.IOException e) {
          return java.util.stream.Stream.<String>empty();
        }
      }).sorted().toList();
      return found.isEmpty() ? " (it holds none)" : "; it holds " + String.join(", ", found);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
