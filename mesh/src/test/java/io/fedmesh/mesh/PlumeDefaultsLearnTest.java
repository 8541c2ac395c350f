package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.mesh.data.PlumeData;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plume defaults of `local --problem plume` (network, spec.scaling, optimizer) learn the
 * plume: trained centrally on what the four sites and one full-range burst hold, the model
 * explains at least 80% of the held-out variance within a few epochs, and the same network
 * without its scaling does not come close in that time.
 */
class PlumeDefaultsLearnTest {
  static final int EPOCHS = 10;

  @Test
  void thePlumeModelExplainsMostOfTheTestVarianceAndTheScalingIsWhy() {
    MeshPlan plan = MeshPlanTest.plan(MeshPlanTest.plume(4), "--problem", "plume", "--hpc", "local");
    ModelDescription scaled = new ModelResolver().resolve(plan.model().getSpec()).spec();
    assertThat(scaled.scaling().scalesInput()).isTrue();
    PlumeData gen = new PlumeData(42);
    List<Dataset> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      parts.add(gen.site(i, 4, 1200, "site-" + i));
    }
    parts.add(new PlumeData(43).test(1200, "burst")); // what the 8-task burst adds: the whole parameter range
    Dataset train = CsvDatasetReader.concat(parts.get(0).source(), parts);
    Dataset test = new PlumeData(44).test(2000, "test");
    double variance = variance(test.y());

    double withScaling = r2(scaled, plan, train, test, variance);
    double without = r2(scaled.withScaling(io.fedmesh.common.model.FeatureScaling.NONE), plan, train, test, variance);
    String both = "R^2 " + withScaling + " with the plume's scaling, " + without + " without";
    assertThat(withScaling).as(both).isGreaterThanOrEqualTo(0.8);
    assertThat(without).as(both).isLessThan(withScaling - 0.2);
  }

  static double r2(ModelDescription d, MeshPlan plan, Dataset train, Dataset test, double variance) {
    FederatedTrainingSpec.LocalTraining lt = plan.training().getSpec().localTraining;
    assertThat(lt.optimizer).isEqualTo(FederatedTrainingSpec.LocalTraining.Optimizer.ADAM);
    LocalTraining cfg = LocalTraining.newBuilder().setEpochs(EPOCHS).setBatchSize(lt.batchSize == null ? 32 : lt.batchSize)
        .setLearningRate(lt.learningRate).setOptimizer("adam").build();
    float[] w = new DjlTrainer().train(d, InitialModel.of(d, 42).weights(), train, cfg, 42).weights();
    double mse = ModelEvaluator.evaluate(d, w, test).metric();
    return 1 - mse / variance;
  }

  static double variance(float[] y) {
    double mean = 0;
    for (float v : y) {
      mean += v;
    }
    mean /= y.length;
    double var = 0;
    for (float v : y) {
      var += (v - mean) * (v - mean);
    }
    return var / y.length;
  }
}
