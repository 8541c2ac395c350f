package io.fedmesh.operator.validation;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.ModelDescription.ScriptRef;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.TorchScripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A torchscript spec: the file it names, confined to the operator's models directory, digested
 * (and checked against {@code sha256} when the spec pins one) and registered, so the coordinator
 * can stream exactly that file to the agents.
 */
final class TorchScriptModels {
  private record Seen(long size, FileTime modified, ScriptRef ref) {}

  /** Digests by file: a spec is resolved on every reconcile, a file is hashed once per change. */
  private static final Map<Path, Seen> DIGESTS = new ConcurrentHashMap<>();

  private TorchScriptModels() {}

  /** The schema's bounds on a torchscript block, checked whatever the type (the local cluster may not enforce them). */
  static void checkFields(DistributedModelSpec.TorchScript t, List<String> p) {
    if (t.file != null && (t.file.isEmpty() || t.file.length() > 253 || !t.file.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
        || t.file.matches("(.*/)?[.][.]?(/.*)?"))) {
      p.add("spec.architecture.torchscript.file '" + t.file + "' must be a relative path of at most 253 letters, digits, '.', '_', '-'"
          + " and '/', with no '.' or '..' segments, inside the models directory");
    }
    if (t.sha256 != null && !t.sha256.matches("[0-9a-f]{64}")) {
      p.add("spec.architecture.torchscript.sha256 must be 64 lower-case hex digits (sha256sum FILE), got '" + t.sha256 + "'");
    }
  }

  /** The description without layout, or null with the problems added to {@code p}. */
  static ModelDescription describe(DistributedModelSpec spec, Path modelsDir, int[] inputShape, int outputs, TaskKind task,
      List<String> p) {
    DistributedModelSpec.TorchScript t = spec.architecture.torchscript;
    if (t == null || t.file == null || t.file.isBlank()) {
      p.add("spec.architecture.torchscript.file is required for type torchscript: the .pt file (torch.jit.save) in the models directory");
      return null;
    }
    if (modelsDir == null) {
      p.add("spec.architecture.type torchscript needs a models directory, and this operator has none: start it with --models-dir"
          + " (the chart mounts models.volume there)");
      return null;
    }
    Path root = modelsDir.toAbsolutePath().normalize();
    Path file = root.resolve(t.file).normalize();
    if (Path.of(t.file).isAbsolute() || !file.startsWith(root) || file.equals(root)) {
      p.add("spec.architecture.torchscript.file '" + t.file + "' must be a path inside the models directory, relative to it");
      return null;
    }
    ScriptRef ref;
    try {
      if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(root.toRealPath())) {
        p.add("spec.architecture.torchscript.file '" + t.file + "' is not a file in the operator's models directory " + root
            + ": copy it there (kubectl cp, or the volume the chart mounts)");
        return null;
      }
      ref = digest(file);
    } catch (IOException e) {
      p.add("spec.architecture.torchscript.file '" + t.file + "' cannot be read: " + e.getMessage());
      return null;
    }
    if (t.sha256 != null && !t.sha256.equals(ref.sha256())) {
      p.add("spec.architecture.torchscript.sha256 is " + t.sha256 + " but " + t.file + " has sha256 " + ref.sha256()
          + ": the file changed; set sha256 to the new digest if the new file is the one to train");
    }
    if (!p.isEmpty()) {
      return null;
    }
    return ModelDescription.torchScript(inputShape, outputs, task, ref);
  }

  /**
   * The module's tensors, after one forward pass of two zero samples of spec.inputShape: the
   * output must be [2, outputs], or the spec and the module disagree.
   */
  static io.fedmesh.common.model.TensorLayout checkedLayout(ModelDescription d) {
    try (io.fedmesh.models.BuiltNetwork n = io.fedmesh.models.BuiltNetwork.build(d, 0, ai.djl.Device.cpu());
        ai.djl.ndarray.NDManager m = n.model().getNDManager().newSubManager()) {
      ai.djl.ndarray.types.Shape in = io.fedmesh.models.Networks.batchShape(d, 2);
      ai.djl.ndarray.types.Shape out;
      try {
        out = n.model().getBlock().forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(m.zeros(in)), false)
            .head().getShape();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the module's forward does not take a batch of spec.inputShape " + java.util.Arrays.toString(
            d.inputShape()) + " (as " + in + "): " + firstLine(e.getMessage()) + "; set spec.inputShape to what forward takes", e);
      }
      if (!out.equals(new ai.djl.ndarray.types.Shape(2, d.outputs()))) {
        throw new IllegalArgumentException("the module returns " + out + " for a batch of 2, but spec.outputShape [" + d.outputs()
            + "] means (2, " + d.outputs() + "): set spec.outputShape to the module's output width");
      }
      return n.layout();
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static ScriptRef digest(Path file) throws IOException {
    long size = Files.size(file);
    FileTime modified = Files.getLastModifiedTime(file);
    Seen seen = DIGESTS.get(file);
    if (seen != null && seen.size() == size && seen.modified().equals(modified) && TorchScripts.path(seen.ref()).isPresent()) {
      return seen.ref();
    }
    ScriptRef ref = TorchScripts.register(file);
    DIGESTS.put(file, new Seen(size, modified, ref));
    return ref;
  }
}
