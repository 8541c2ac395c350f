package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpEvaluator;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.Blobs;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DjlTrainerTest {

  @Test
  void djlRegressionOutputEqualsTheSharedForwardPassValueByValue() {
    // three layers and every activation's path: the parameter order is the contract
    for (Activation act : Activation.values()) {
      MlpSpec spec = new MlpSpec(new int[] {4, 7, 5, 1}, act, TaskKind.REGRESSION);
      float[] w = MlpParameters.initialize(spec, 7);
      Dataset d = Blobs.of(9, 1);
      float[] djl = DjlTrainer.predict(spec, w, d.x(), d.rows());
      assertThat(djl).hasSize(d.rows());
      for (int r = 0; r < d.rows(); r++) {
        // with the DJL output as the label, the pure-Java MSE of that row is its squared difference
        Dataset one = new Dataset(Path.of("row"), d.featureNames(), 1, 4, d.slice(r, r + 1).x(), new float[] {djl[r]}, 0);
        double mse = MlpEvaluator.evaluate(spec, w, one).metric();
        assertThat(Math.sqrt(mse)).as("%s row %d", act, r).isLessThan(1e-4);
      }
    }
  }

  @Test
  void djlLogitsGiveTheSharedForwardPassLossRowByRow() {
    MlpSpec spec = new MlpSpec(new int[] {4, 5, 3}, Activation.TANH, TaskKind.CLASSIFICATION);
    float[] w = MlpParameters.initialize(spec, 7);
    Dataset d = Blobs.of(6, 1);
    float[] djl = DjlTrainer.predict(spec, w, d.x(), d.rows());
    for (int r = 0; r < d.rows(); r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < 3; k++) {
        max = Math.max(max, djl[r * 3 + k]);
      }
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        sum += Math.exp(djl[r * 3 + k] - max);
      }
      // per-row cross-entropy for every possible label pins all three logits
      for (int label = 0; label < 3; label++) {
        double djlLoss = -(djl[r * 3 + label] - max - Math.log(sum));
        Dataset one = new Dataset(Path.of("row"), d.featureNames(), 1, 4, d.slice(r, r + 1).x(), new float[] {label}, 3);
        assertThat(MlpEvaluator.evaluate(spec, w, one).loss()).as("row %d label %d", r, label).isCloseTo(djlLoss, within(1e-4));
      }
    }
  }

  @Test
  void classificationLearnsSeparableData() {
    MlpSpec spec = new MlpSpec(new int[] {4, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    Dataset d = Blobs.of(300, 2);
    float[] w0 = MlpParameters.initialize(spec, 3);
    double before = MlpEvaluator.evaluate(spec, w0, d).metric();
    TrainResult r = new DjlTrainer().train(spec, w0, d,
        LocalTraining.newBuilder().setEpochs(5).setBatchSize(16).setLearningRate(0.1).setOptimizer("sgd").build(), 4);
    assertThat(r.weights()).hasSize((int) spec.parameterCount());
    assertThat(r.samples()).isEqualTo(300);
    assertThat(r.localMetric()).isGreaterThan(0.9).isGreaterThan(before);
    assertThat(r.trainLoss()).isLessThan(1.0);
    assertThat(w0).as("the global weights are not modified").isEqualTo(MlpParameters.initialize(spec, 3));
  }

  @Test
  void regressionReducesMseAndReportsItAsTheTrainLoss() {
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
        LocalTraining.newBuilder().setEpochs(30).setBatchSize(16).setLearningRate(0.05).setOptimizer("sgd").build(), 7);
    assertThat(r.localMetric()).isLessThan(before / 5).isLessThan(0.1);
    // the mean loss over the round's batches is an MSE: between the start's and the end's
    assertThat(r.trainLoss()).isLessThan(before).isGreaterThan(r.localMetric() * 0.5);
  }

  @Test
  void fedProxKeepsLocalWeightsNearTheGlobalModel() {
    MlpSpec spec = new MlpSpec(new int[] {4, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    Dataset d = Blobs.of(150, 8);
    float[] w0 = MlpParameters.initialize(spec, 9);
    LocalTraining.Builder cfg = LocalTraining.newBuilder().setEpochs(3).setBatchSize(16).setLearningRate(0.1).setOptimizer("sgd");
    TrainResult plain = new DjlTrainer().train(spec, w0, d, cfg.build(), 10);
    TrainResult prox = new DjlTrainer().train(spec, w0, d, cfg.setProximalMu(5.0).build(), 10);
    assertThat(distance(prox.weights(), w0)).isLessThan(distance(plain.weights(), w0) * 0.8);
  }

  @Test
  void clippingBoundsTheUpdateNormAndKeepsItsDirection() {
    float[] global = {1, 1, 1};
    float[] w = {4, 5, 1};
    UpdateClipper.clipAndNoise(w, global, 1.0, 0, new Random(1));
    assertThat(distance(w, global)).isCloseTo(1.0, within(1e-5));
    assertThat((w[0] - 1) / (w[1] - 1)).isCloseTo(0.75f, within(1e-5f));
    float[] small = {1.1f, 1, 1};
    UpdateClipper.clipAndNoise(small, global, 1.0, 0, new Random(1));
    assertThat(small).as("an update inside the bound is unchanged").containsExactly(1.1f, 1, 1);
  }

  @Test
  void noiseScalesWithMultiplierTimesClipNorm() {
    int n = 20_000;
    float[] global = new float[n];
    float[] w = new float[n];
    UpdateClipper.clipAndNoise(w, global, 2.0, 0.5, new Random(3));
    double sq = 0;
    for (float v : w) {
      sq += v * v;
    }
    assertThat(Math.sqrt(sq / n)).as("standard deviation = 0.5 * 2.0").isCloseTo(1.0, within(0.03));
  }

  @Test
  void trainingAppliesClippingToTheUploadedWeights() {
    MlpSpec spec = new MlpSpec(new int[] {4, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
    Dataset d = Blobs.of(150, 8);
    float[] w0 = MlpParameters.initialize(spec, 9);
    TrainResult r = new DjlTrainer().train(spec, w0, d,
        LocalTraining.newBuilder().setEpochs(3).setBatchSize(16).setLearningRate(0.1).setOptimizer("sgd").setClipNorm(0.05).build(), 10);
    assertThat(distance(r.weights(), w0)).isCloseTo(0.05, within(1e-4));
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  @Test
  void adamFitsAPoorlyScaledRegressionAndUnknownOptimizersAreRefused() {
    MlpSpec spec = new MlpSpec(new int[] {2, 8, 1}, Activation.TANH, TaskKind.REGRESSION);
    Random rnd = new Random(9);
    int n = 200;
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) rnd.nextGaussian() * 0.01f; // tiny feature, as diffusivity in the plume data
      x[2 * i + 1] = 10f + (float) rnd.nextGaussian(); // large offset, as sourceStrength
      y[i] = 30f * x[2 * i] + 0.1f * (x[2 * i + 1] - 10f);
    }
    Dataset d = new Dataset(Path.of("scaled"), List.of("a", "b"), n, 2, x, y, 0);
    float[] w0 = MlpParameters.initialize(spec, 3);
    double before = MlpEvaluator.evaluate(spec, w0, d).metric();
    TrainResult r = new DjlTrainer().train(spec, w0, d,
        LocalTraining.newBuilder().setEpochs(20).setBatchSize(16).setLearningRate(0.01).setOptimizer("adam").build(), 4);
    assertThat(r.localMetric()).isLessThan(before / 3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DjlTrainer.optimizer("rmsprop", 0.1))
        .hasMessage("optimizer 'rmsprop' is unknown: use sgd or adam");
  }
}
