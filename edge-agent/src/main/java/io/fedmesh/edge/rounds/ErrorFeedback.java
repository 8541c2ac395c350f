package io.fedmesh.edge.rounds;

import io.fedmesh.common.codec.SparseDelta;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Top-k updates with error feedback (Stich et al., "Sparsified SGD with memory"): what a round's
 * top-k leaves out is not lost but kept per training and added to the next round's delta, so
 * every coordinate eventually reaches the server. The residual lives in the agent's memory only:
 * a restarted agent starts from zero, which costs accuracy for a round or two, never correctness.
 */
public final class ErrorFeedback {
  private final Map<String, float[]> residuals = new ConcurrentHashMap<>();

  /** One top-k encoded update and how many values it carries. */
  public record Sparse(byte[] bytes, int values) {}

  /**
   * Encodes {@code trained - base} plus the training's residual as its top {@code k} entries and
   * keeps the rest as the new residual. A residual of another length (the model changed) is dropped.
   * Null, and the residual left as it was, when a delta overflows (the caller sends dense fp32).
   */
  public Sparse encode(String training, float[] base, float[] trained, int k) {
    if (base.length != trained.length) {
      throw new IllegalArgumentException("the trained model has " + trained.length + " parameters, its base " + base.length);
    }
    float[] residual = residuals.get(training);
    float[] delta = new float[trained.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = trained[i] - base[i] + (residual != null && residual.length == delta.length ? residual[i] : 0f);
      if (!Float.isFinite(delta[i])) {
        return null;
      }
    }
    byte[] bytes = SparseDelta.encode(delta, k);
    SparseDelta.clearEncoded(delta, bytes, k); // what was not sent, kept for the next round
    residuals.put(training, delta);
    return new Sparse(bytes, k);
  }

  /** The L2 norm of what the training still owes the server (0 when nothing). */
  public double residualNorm(String training) {
    float[] r = residuals.get(training);
    double sum = 0;
    if (r != null) {
      for (float v : r) {
        sum += (double) v * v;
      }
    }
    return Math.sqrt(sum);
  }
}
