package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpEvaluator;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DjlTrainerTest {

  /** Three well separated Gaussian blobs in 4-D. */
  static Dataset blobs(int rows, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * 4];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = i % 3;
      y[i] = c;
      for (int f = 0; f < 4; f++) {
        x[i * 4 + f] = (float) ((f == c ? 3 : 0) + r.nextGaussian() * 0.7);
      }
    }
    return new Dataset(Path.of("blobs"), List.of("a", "b", "c", "d"), rows, 4, x, y, 3);
  }

  @Test
  void djlForwardPassMatchesTheSharedLayout() {
    MlpSpec spec = new MlpSpec(new int[] {4, 5, 3}, Activation.TANH, TaskKind.CLASSIFICATION);
    float[] w = MlpParameters.initialize(spec, 7);
    Dataset d = blobs(6, 1);
    float[] djl = DjlTrainer.predict(spec, w, d.x(), d.rows());
    // compare logits row by row with the pure-Java forward pass used by the operator
    for (int r = 0; r < d.rows(); r++) {
      Dataset one = d.slice(r, r + 1);
      int predicted = argmax(djl, r * 3, 3);
      double javaAccuracy = MlpEvaluator.evaluate(spec, w, new Dataset(one.source(), one.featureNames(), 1, 4, one.x(),
          new float[] {predicted}, 3)).metric();
      assertThat(javaAccuracy).as("row %d: both forward passes pick the same class", r).isEqualTo(1.0);
    }
    // and the loss over all rows agrees to float precision
    double javaLoss = MlpEvaluator.evaluate(spec, w, d).loss();
    double djlLoss = 0;
    for (int r = 0; r < d.rows(); r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < 3; k++) {
        max = Math.max(max, djl[r * 3 + k]);
      }
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        sum += Math.exp(djl[r * 3 + k] - max);
      }
      djlLoss += -(djl[r * 3 + (int) d.y()[r]] - max - Math.log(sum));
    }
    assertThat(djlLoss / d.rows()).isCloseTo(javaLoss, within(1e-4));
  }

  @Test
  void classificationLearnsSeparableData() {
    MlpSpec spec = new MlpSpec(new int[] {4, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    Dataset d = blobs(300, 2);
    float[] w0 = MlpParameters.initialize(spec, 3);
    double before = MlpEvaluator.evaluate(spec, w0, d).metric();
    TrainResult r = new DjlTrainer().train(spec, w0, d,
        LocalTraining.newBuilder().setEpochs(5).setBatchSize(16).setLearningRate(0.1).build(), 4);
    assertThat(r.weights()).hasSize((int) spec.parameterCount());
    assertThat(r.samples()).isEqualTo(300);
    assertThat(r.localMetric()).isGreaterThan(0.9).isGreaterThan(before);
    assertThat(r.trainLoss()).isLessThan(1.0);
  }

  @Test
  void regressionReducesMse() {
    MlpSpec spec = new MlpSpec(new int[] {2, 8, 1}, Activation.TANH, TaskKind.REGRESSION);
    Random rnd = new Random(5);
    int n = 200;
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) rnd.nextGaussian();
      x[2 * i + 1] = (float) rnd.nextGaussian();
      y[i] = 0.5f * x[2 * i] - 0.8f * x[2 * i + 1] + 0.3f;
    }
    Dataset d = new Dataset(Path.of("lin"), List.of("a", "b"), n, 2, x, y, 0);
    float[] w0 = MlpParameters.initialize(spec, 6);
    double before = MlpEvaluator.evaluate(spec, w0, d).metric();
    TrainResult r = new DjlTrainer().train(spec, w0, d,
        LocalTraining.newBuilder().setEpochs(20).setBatchSize(16).setLearningRate(0.05).build(), 7);
    assertThat(r.localMetric()).isLessThan(before / 5).isLessThan(0.1);
  }

  @Test
  void clippingBoundsTheUpdateNorm() {
    float[] global = {0, 0, 0};
    float[] w = {3, 4, 0};
    UpdateClipper.clipAndNoise(w, global, 1.0, 0, new Random(1));
    assertThat(Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2])).isCloseTo(1.0, within(1e-5));
    assertThat(w[0] / w[1]).isCloseTo(0.75f, within(1e-5f));
  }

  private static int argmax(float[] v, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }
}
