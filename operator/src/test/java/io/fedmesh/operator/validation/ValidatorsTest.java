package io.fedmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorsTest {
  static FederatedTrainingSpec valid() {
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 5;
    return s;
  }

  @Test
  void aValidSpecPasses() {
    assertThat(new TrainingValidator().validate(valid()).ok()).isTrue();
  }

  @Test
  void eachProblemNamesItsFieldAndTheFix() {
    FederatedTrainingSpec s = valid();
    s.rounds = 0;
    s.participants.minSites = 5;
    s.participants.maxSites = 2;
    s.localTraining.learningRate = -1.0;
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.TrimmedMean;
    s.strategy.trimFraction = 0.7;
    ValidationResult r = new TrainingValidator().validate(s);
    assertThat(r.ok()).isFalse();
    assertThat(r.message())
        .contains("spec.rounds must be between 1 and 10000 (got 0)")
        .contains("spec.participants.minSites (5) must not exceed maxSites (2)")
        .contains("spec.localTraining.learningRate must be a number between 1.0E-6 and 10 (got -1.0)")
        .contains("spec.strategy.trimFraction");
  }

  @Test
  void topKCombinationsThatCannotWorkAreNamed() {
    FederatedTrainingSpec s = valid();
    s.wan = new FederatedTrainingSpec.WanPolicy();
    s.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.AUTO;
    s.wan.topkFraction = 0.05;
    assertThat(new TrainingValidator().validate(s).message())
        .contains("spec.wan.topkFraction applies to compression topk only (auto picks its own fraction)");
    s.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.TOPK;
    assertThat(new TrainingValidator().validate(s).ok()).isTrue();
    s.strategy.type = FederatedTrainingSpec.Strategy.Type.BufferedAsync;
    assertThat(new TrainingValidator().validate(s).ok()).as("a delta is applied to its own base, checkpointed").isTrue();
  }

  @Test
  void missingModelRefIsNamed() {
    FederatedTrainingSpec s = valid();
    s.modelRef = null;
    assertThat(new TrainingValidator().validate(s).message()).contains("spec.modelRef is required");
  }

  @Test
  void modelResolvesToLayersOrNamesTheProblem() {
    DistributedModelSpec m = new DistributedModelSpec();
    m.architecture = new DistributedModelSpec.Architecture();
    m.architecture.hiddenLayers = List.of(16, 8);
    m.inputShape = List.of(2, 4);
    m.outputShape = List.of(3);
    ModelResolver.Resolved r = new ModelResolver().resolve(m);
    assertThat(r.spec().mlp().layers()).containsExactly(8, 16, 8, 3);
    m.outputShape = List.of(1);
    assertThat(new ModelResolver().resolve(m).validation().message()).contains("spec.outputShape must be [classes]");
    m.task = DistributedModelSpec.Task.REGRESSION;
    assertThat(new ModelResolver().resolve(m).spec().outputs()).isEqualTo(1);
  }

  @Test
  void adaptiveSimulationNeedsARunnableBurstTemplateAndAValidClusterName() {
    FederatedTrainingSpec s = valid();
    s.simulationDataFrom = List.of("plume-sweep");
    assertThat(new TrainingValidator().validate(s).ok()).isTrue();
    s.adaptiveSimulation = new FederatedTrainingSpec.AdaptiveSimulation();
    String unset = new TrainingValidator().validate(s).message();
    assertThat(unset).contains("spec.adaptiveSimulation.burstTemplate is required");
    assertThat(unset).as("no clusterRef: the namespace's default cluster").doesNotContain("clusterRef");
    s.adaptiveSimulation.clusterRef = "Campus_HPC";
    assertThat(new TrainingValidator().validate(s).message()).contains("spec.adaptiveSimulation.clusterRef 'Campus_HPC' is not a valid resource name");
    s.adaptiveSimulation.clusterRef = "campus-hpc";
    s.adaptiveSimulation.burstTemplate = new io.fedmesh.api.v1alpha1.SimulationBurstSpec();
    s.adaptiveSimulation.burstTemplate.tasks = 8;
    SimulationBurstSpecSweep.add(s.adaptiveSimulation.burstTemplate, "windX", -9, 1);
    assertThat(new TrainingValidator().validate(s).message())
        .contains("spec.adaptiveSimulation.burstTemplate.sweep[0] (windX): [-9, 1] leaves the valid range");
    s.adaptiveSimulation.burstTemplate.sweep = List.of();
    SimulationBurstSpecSweep.add(s.adaptiveSimulation.burstTemplate, "windX", -1, 1);
    SimulationBurstSpecSweep.add(s.adaptiveSimulation.burstTemplate, "windX", 0, 1);
    assertThat(new TrainingValidator().validate(s).message())
        .contains("spec.adaptiveSimulation.burstTemplate.sweep[1] (windX): 'windX' is swept twice; list each parameter once");
    s.adaptiveSimulation.burstTemplate.sweep = List.of();
    s.adaptiveSimulation.trigger = FederatedTrainingSpec.AdaptiveSimulation.Trigger.LOW_DATA;
    assertThat(new TrainingValidator().validate(s).message()).isEqualTo(
        "spec.adaptiveSimulation.trigger lowData needs minSamples: the cohort size below which a burst is requested");
  }

  /** Builds sweep entries for the tests. */
  static final class SimulationBurstSpecSweep {
    static void add(io.fedmesh.api.v1alpha1.SimulationBurstSpec spec, String name, double min, double max) {
      var p = new io.fedmesh.api.v1alpha1.SimulationBurstSpec.SweepParameter();
      p.name = name;
      p.min = min;
      p.max = max;
      spec.sweep = new java.util.ArrayList<>(spec.sweep);
      spec.sweep.add(p);
    }
  }
}
