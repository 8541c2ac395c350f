package io.fedmesh.operator.acquisition;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.models.InitialModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;

/** Small data sets and models for the acquisition tests: two swept parameters a and b in [0, 1], one more input. */
final class AcquisitionFixtures {
  private AcquisitionFixtures() {}

  static List<SimulationBurstSpec.SweepParameter> sweep() {
    return List.of(param("a", 0, 1), param("b", 0, 1));
  }

  static SimulationBurstSpec.SweepParameter param(String name, double min, double max) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = min;
    p.max = max;
    return p;
  }

  /** Columns c, a, b (the swept ones not first, so columns are looked up by name); label = f(a, b). */
  static Dataset samples(int rows, long seed, DoubleBinaryOperator label) {
    Random r = new Random(seed);
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double a = r.nextDouble();
      double b = r.nextDouble();
      x[i * 3] = (float) r.nextDouble();
      x[i * 3 + 1] = (float) a;
      x[i * 3 + 2] = (float) b;
      y[i] = (float) label.applyAsDouble(a, b);
    }
    return new Dataset(Path.of("samples.csv"), List.of("c", "a", "b"), rows, 3, x, y, 0);
  }

  /** A small regression MLP over the three inputs, resolved (with its layout). */
  static ModelDescription model() {
    return ModelDescription.of(new ModelDescription(ArchitectureType.MLP, new int[] {3}, 1, TaskKind.REGRESSION, new int[] {8},
        Activation.TANH, List.of(), 0, 0, null).mlp());
  }

  /** Weights that predict exactly 0 everywhere: every weight and bias zero. */
  static float[] zero(ModelDescription d) {
    return new float[(int) d.parameterCount()];
  }

  static float[] initial(ModelDescription d, long seed) {
    return InitialModel.of(d, seed).weights();
  }
}
