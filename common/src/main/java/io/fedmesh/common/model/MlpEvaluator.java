package io.fedmesh.common.model;

import io.fedmesh.common.data.Dataset;

/**
 * Forward pass of the built-in MLP in plain Java, so the operator can evaluate the global model
 * without a native training engine. Matches DJL's Linear: y = x W^T + b.
 */
public final class MlpEvaluator {
  private MlpEvaluator() {}

  public static Evaluation evaluate(MlpSpec spec, float[] params, Dataset data) {
    if (data.features() != spec.inputWidth()) {
      throw new IllegalArgumentException("data set " + data.source() + " has " + data.features()
          + " feature columns but the model expects " + spec.inputWidth());
    }
    if (params.length != spec.parameterCount()) {
      throw new IllegalArgumentException("expected " + spec.parameterCount() + " parameters, got " + params.length);
    }
    int maxWidth = 0;
    for (int w : spec.layers()) {
      maxWidth = Math.max(maxWidth, w);
    }
    float[] a = new float[maxWidth];
    float[] b = new float[maxWidth];
    double lossSum = 0;
    double metricSum = 0;
    for (int r = 0; r < data.rows(); r++) {
      System.arraycopy(data.x(), r * data.features(), a, 0, data.features());
      float[] out = forward(spec, params, a, b);
      float label = data.y()[r];
      if (spec.task() == TaskKind.CLASSIFICATION) {
        int k = spec.outputWidth();
        int argmax = 0;
        float max = out[0];
        for (int j = 1; j < k; j++) {
          if (out[j] > max) {
            max = out[j];
            argmax = j;
          }
        }
        double sumExp = 0;
        for (int j = 0; j < k; j++) {
          sumExp += Math.exp(out[j] - max);
        }
        int target = (int) label;
        double logProb = (target >= 0 && target < k) ? out[target] - max - Math.log(sumExp) : Double.NEGATIVE_INFINITY;
        lossSum += -logProb;
        metricSum += argmax == target ? 1 : 0;
      } else {
        double err = out[0] - label;
        lossSum += err * err;
        metricSum += err * err;
      }
    }
    long n = Math.max(1, data.rows());
    return new Evaluation(spec.task().metricName(), metricSum / n, lossSum / n, data.rows());
  }

  /** Runs one sample through the network; scratch buffers a and b are swapped between layers. */
  private static float[] forward(MlpSpec spec, float[] params, float[] a, float[] b) {
    int[] layers = spec.layers();
    int offset = 0;
    float[] in = a;
    float[] out = b;
    for (int l = 0; l + 1 < layers.length; l++) {
      int inW = layers[l];
      int outW = layers[l + 1];
      int biasOffset = offset + inW * outW;
      for (int o = 0; o < outW; o++) {
        float sum = params[biasOffset + o];
        int row = offset + o * inW;
        for (int i = 0; i < inW; i++) {
          sum += params[row + i] * in[i];
        }
        out[o] = (l + 2 < layers.length) ? spec.activation().apply(sum) : sum;
      }
      offset = biasOffset + outW;
      float[] t = in;
      in = out;
      out = t;
    }
    return in;
  }
}
