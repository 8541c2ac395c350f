package io.fedmesh.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;

/**
 * Loss and metric of a model's weights on a data set, through the network DJL builds (inference
 * mode: batch norm uses its running statistics). Accuracy and mean cross-entropy for
 * classification, mean squared error for regression.
 */
public final class ModelEvaluator {
  private static final int BATCH = 256;

  private ModelEvaluator() {}

  public static Evaluation evaluate(ModelDescription d, float[] weights, Dataset data) {
    if (data.features() != d.inputWidth()) {
      throw new IllegalArgumentException("the data set has " + data.features() + " values per sample but the model takes "
          + d.inputWidth());
    }
    try (BuiltNetwork n = BuiltNetwork.build(d, 0, Device.cpu())) {
      n.load(weights);
      return evaluate(n, data);
    }
  }

  /**
   * The network's first output for each of {@code rows} flat samples in {@code x} (a regression's
   * prediction; a classifier's first logit), in batches.
   */
  public static float[] predict(ModelDescription d, float[] weights, float[] x, int rows) {
    int f = d.inputWidth();
    if ((long) rows * f != x.length) {
      throw new IllegalArgumentException(rows + " samples of " + f + " values need " + (long) rows * f + " values, got " + x.length);
    }
    float[] out = new float[rows];
    try (BuiltNetwork n = BuiltNetwork.build(d, 0, Device.cpu())) {
      n.load(weights);
      try (NDManager root = n.model().getNDManager().newSubManager()) {
        ParameterStore ps = new ParameterStore(root, false);
        for (int from = 0; from < rows; from += BATCH) {
          int m = Math.min(BATCH, rows - from);
          try (NDManager step = root.newSubManager()) {
            NDArray in = step.create(java.util.Arrays.copyOfRange(x, from * f, (from + m) * f), Networks.batchShape(d, m));
            float[] p = n.model().getBlock().forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
            int outputs = p.length / m;
            for (int k = 0; k < m; k++) {
              out[from + k] = p[k * outputs];
            }
          }
        }
      }
    }
    return out;
  }

  /** Evaluates the network as it is loaded now. */
  public static Evaluation evaluate(BuiltNetwork n, Dataset data) {
    return n.inference(() -> evaluateLoaded(n, data));
  }

  private static Evaluation evaluateLoaded(BuiltNetwork n, Dataset data) {
    ModelDescription d = n.description();
    boolean classify = d.task() == TaskKind.CLASSIFICATION;
    int f = data.features();
    double lossSum = 0;
    long correct = 0;
    try (NDManager root = n.model().getNDManager().newSubManager()) {
      ParameterStore ps = new ParameterStore(root, false);
      for (int from = 0; from < data.rows(); from += BATCH) {
        int m = Math.min(BATCH, data.rows() - from);
        try (NDManager step = root.newSubManager()) {
          float[] xb = new float[m * f];
          System.arraycopy(data.x(), from * f, xb, 0, m * f);
          NDArray x = step.create(xb, Networks.batchShape(d, m));
          NDArray out = n.model().getBlock().forward(ps, new NDList(x), false).singletonOrThrow();
          float[] y = java.util.Arrays.copyOfRange(data.y(), from, from + m);
          if (classify) {
            NDArray logp = out.logSoftmax(1);
            NDArray labels = step.create(y).toType(ai.djl.ndarray.types.DataType.INT64, false);
            float[] picked = logp.gather(labels.reshape(m, 1), 1).toFloatArray();
            long[] predicted = out.argMax(1).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
            for (int k = 0; k < m; k++) {
              lossSum -= picked[k];
              if (predicted[k] == (long) y[k]) {
                correct++;
              }
            }
          } else {
            float[] p = out.toFloatArray();
            for (int k = 0; k < m; k++) {
              double e = p[k] - y[k];
              lossSum += e * e;
            }
          }
        }
      }
    }
    long rows = data.rows();
    double loss = rows == 0 ? 0 : lossSum / rows;
    double metric = classify ? (rows == 0 ? 0 : (double) correct / rows) : loss;
    return new Evaluation(d.task().metricName(), metric, loss, rows);
  }
}
