package io.fedmesh.models;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.MalformedModelException;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import io.fedmesh.common.model.TensorLayout;
import java.util.List;

/**
 * A network built and initialised on a device: DJL's own initialisers (Xavier for weights, zeros
 * for biases, ones and zeros for batch norm), seeded so one seed gives one initial model.
 * Close it to free the native memory.
 */
public final class BuiltNetwork implements AutoCloseable {
  public static final String ENGINE = "PyTorch";
  /** The engine's random generator is process-wide: builds that seed it take turns. */
  private static final Object SEEDING = new Object();

  private final ModelDescription description;
  private final Model model;
  private final List<Parameter> parameters;

  private BuiltNetwork(ModelDescription description, Model model) {
    this.description = description;
    this.model = model;
    this.parameters = FlatParameters.parameters(model.getBlock());
  }

  /** Builds {@code d} on {@code device}, its initial values drawn from {@code seed}. */
  public static BuiltNetwork build(ModelDescription d, long seed, Device device) {
    Model model = Model.newInstance("fedmesh-" + d.type().wireName(), device, ENGINE);
    try {
      if (d.type() == ArchitectureType.TORCHSCRIPT) {
        loadScript(model, d);
      } else {
        model.setBlock(Networks.block(d));
        synchronized (SEEDING) {
          Engine.getEngine(ENGINE).setRandomSeed((int) (seed ^ (seed >>> 32)));
          model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, Networks.batchShape(d, 1));
        }
      }
      BuiltNetwork built = new BuiltNetwork(d, model);
      if (!d.layout().tensors().isEmpty() && !d.layout().equals(built.layout())) {
        throw new IllegalArgumentException("the network built for " + d + " has tensors " + built.layout().tensors()
            + " but the model spec says " + d.layout().tensors() + ": operator and agent disagree on the architecture");
      }
      return built;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The user's module with trainable parameters (DJL's {@code trainParam}; without it PyTorch loads
   * inference tensors that refuse gradients). Its initial values are the file's own: the seed does
   * not apply.
   */
  private static void loadScript(Model model, ModelDescription d) {
    Path file = TorchScripts.require(d.script());
    try {
      model.load(file, null, Map.of("trainParam", "true"));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new IllegalArgumentException("DJL's PyTorch engine cannot load the TorchScript file sha256:" + d.script().shortDigest()
          + " (" + e.getMessage() + "): save it with torch.jit.save from a scripted or traced module", e);
    }
    model.getBlock().freezeParameters(false);
  }

  /**
   * Runs {@code work} (a forward pass for inference) with the parameters not requiring gradients:
   * a TorchScript module that has trained refuses an inference forward otherwise ("Inference
   * tensors cannot be saved for backward"). Built-in blocks are left as they are.
   */
  public <T> T inference(java.util.function.Supplier<T> work) {
    if (description.type() != ArchitectureType.TORCHSCRIPT) {
      return work.get();
    }
    model.getBlock().freezeParameters(true);
    try {
      return work.get();
    } finally {
      model.getBlock().freezeParameters(false);
    }
  }

  /** The description with the layout this network has. */
  public ModelDescription resolved() {
    return description.withLayout(layout());
  }

  public TensorLayout layout() {
    return FlatParameters.layout(model.getBlock());
  }

  public float[] weights() {
    return FlatParameters.read(parameters);
  }

  public void load(float[] weights) {
    FlatParameters.write(parameters, weights);
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  public Model model() {
    return model;
  }

  public ModelDescription description() {
    return description;
  }

  @Override
  public void close() {
    model.close();
  }
}
