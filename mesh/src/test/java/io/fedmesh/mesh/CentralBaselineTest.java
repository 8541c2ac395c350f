package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.mesh.report.RunSummary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The central baseline trains the run's model on the pooled site data for real (DJL) and scores it on the test set. */
class CentralBaselineTest {
  @TempDir Path out;

  @Test
  void theSameModelOnThePooledDataLearnsTheBuiltInProblem() throws Exception {
    MeshData data = MeshData.builtIn(out.resolve("data"), 3, 200, 7);
    MeshOptions options = MeshOptionsTest.parse("--sites", "3", "--rounds", "4", "--samples-per-site", "200");
    options.validate();
    MeshPlan plan = MeshPlan.of(options, data, out);
    RunSummary.Baseline b = CentralBaseline.train(plan, 4);
    assertThat(b.samples()).isEqualTo(600);
    assertThat(b.epochs()).isEqualTo(4 * plan.training().getSpec().localTraining.epochs);
    assertThat(b.metric()).isEqualTo("accuracy");
    assertThat(b.value()).as("well above chance for 3 classes").isGreaterThan(0.8);
    assertThat(CentralBaseline.train(plan, 1000).epochs()).as("capped").isEqualTo(CentralBaseline.MAX_EPOCHS);
  }
}
