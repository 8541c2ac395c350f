package io.fedmesh.models.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.fedmesh.models.BuiltNetwork;
import io.fedmesh.models.Networks;

/** An exported model loaded for inference: its manifest and the network. Close it to free native memory. */
public final class ExportedModel implements AutoCloseable {
  private final ExportManifest manifest;
  private final BuiltNetwork network;
  private boolean closed;

  ExportedModel(ExportManifest manifest, BuiltNetwork network) {
    this.manifest = manifest;
    this.network = network;
  }

  /** Weights received in memory (a served version), as an export of them would load; takes over {@code network}. */
  public static ExportedModel inMemory(ExportManifest manifest, BuiltNetwork network) {
    return new ExportedModel(manifest, network);
  }

  public ExportManifest manifest() {
    return manifest;
  }

  public BuiltNetwork network() {
    return network;
  }

  /**
   * The raw outputs (logits for classification, the value for regression) of {@code n} flat
   * samples in {@code x}, row after row; {@code x.length} must be {@code n * inputWidth}.
   */
  public float[][] outputs(float[] x, int n) {
    int width = manifest.description().inputWidth();
    if ((long) n * width != x.length) {
      throw new IllegalArgumentException(n + " samples of " + width + " values need " + (long) n * width + " values, got " + x.length);
    }
    int outputs = manifest.description().outputs();
    float[][] out = new float[n][];
    // the network's native state is not shared between threads: one batch at a time
    synchronized (network) {
      if (closed) {
        throw new IllegalStateException("model " + manifest.version() + " was unloaded (replaced by a newer one); send the request again");
      }
      try (NDManager step = network.model().getNDManager().newSubManager()) {
        NDArray input = step.create(x, Networks.batchShape(manifest.description(), n));
        float[] flat = network.inference(() -> network.model().getBlock().forward(new ParameterStore(step, false), new NDList(input),
            false).singletonOrThrow().toFloatArray());
        for (int i = 0; i < n; i++) {
          out[i] = java.util.Arrays.copyOfRange(flat, i * outputs, (i + 1) * outputs);
        }
      }
    }
    return out;
  }

  /** The index of the largest output. */
  public static int argMax(float[] outputs) {
    int best = 0;
    for (int i = 1; i < outputs.length; i++) {
      if (outputs[i] > outputs[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Softmax of logits, computed stably. */
  public static float[] softmax(float[] logits) {
    float max = logits[argMax(logits)];
    double sum = 0;
    float[] p = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = (float) Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (p[i] / sum);
    }
    return p;
  }

  /** Frees the network once no batch runs on it; later calls to {@link #outputs} fail. */
  @Override
  public void close() {
    synchronized (network) {
      if (!closed) {
        closed = true;
        network.close();
      }
    }
  }
}
