package io.fedmesh.edge.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.FeatureScaling;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.Blobs;
import io.fedmesh.models.InitialModel;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Local training gives the same weights whether or not the garbage collector runs during it. A
 * constant in the differentiated graph that lived in a buffer the GC could free (DJL's
 * {@code mul(Number)} in its losses, the scaling's output map) made training go to NaN or far off
 * whenever a collection came between a forward and its backward pass; this test collects all the
 * time and compares value by value with an undisturbed run.
 */
class GcDuringTrainingTest {
  static final LocalTraining ADAM = LocalTraining.newBuilder().setEpochs(3).setBatchSize(16).setLearningRate(0.01)
      .setOptimizer("adam").build();

  @Test
  void regressionWithScalingTrainsTheSameUnderConstantCollection() {
    ModelDescription d = ModelDescription.of(new MlpSpec(new int[] {4, 16, 1}, Activation.TANH, TaskKind.REGRESSION))
        .withScaling(new FeatureScaling(new float[] {0, 0, 0, 0}, new float[] {2, 2, 2, 2}, 0.5f, 3f));
    sameWithAndWithoutGc(d, regression(Blobs.of(240, 1)), ADAM);
  }

  @Test
  void classificationAndFedProxTrainTheSameUnderConstantCollection() {
    ModelDescription d = ModelDescription.of(new MlpSpec(new int[] {4, 16, 3}, Activation.RELU, TaskKind.CLASSIFICATION));
    sameWithAndWithoutGc(d, Blobs.of(240, 1), ADAM.toBuilder().setProximalMu(0.1).build());
  }

  static void sameWithAndWithoutGc(ModelDescription d, Dataset data, LocalTraining cfg) {
    ModelDescription resolved = InitialModel.of(d, 3).description();
    float[] global = InitialModel.of(d, 3).weights();
    float[] quiet = new DjlTrainer().train(resolved, global, data, cfg, 3).weights();
    AtomicBoolean run = new AtomicBoolean(true);
    Thread collector = new Thread(() -> {
      while (run.get()) {
        System.gc();
      }
    }, "gc-hammer");
    collector.setDaemon(true);
    collector.start();
    float[] collected;
    try {
      collected = new DjlTrainer().train(resolved, global, data, cfg, 3).weights();
    } finally {
      run.set(false);
    }
    assertThat(collected).as("weights trained while the GC ran").containsExactly(quiet);
  }

  /** The blobs' features with a smooth label: the first feature's square plus the second. */
  static Dataset regression(Dataset blobs) {
    float[] y = new float[blobs.rows()];
    for (int r = 0; r < y.length; r++) {
      float a = blobs.x()[r * blobs.features()];
      float b = blobs.x()[r * blobs.features() + 1];
      y[r] = a * a + b;
    }
    return new Dataset(blobs.source(), blobs.featureNames(), blobs.rows(), blobs.features(), blobs.x(), y, 0);
  }
}
