package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.mesh.wan.WanLink;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.operator.validation.TrainingValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan of a local mesh run, worked out without starting or writing anything. */
class MeshPlanTest {
  static final Path OUT = Path.of("/nowhere/out");

  static MeshData blobs(int sites) {
    List<Path> dirs = new ArrayList<>();
    List<Integer> samples = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      dirs.add(OUT.resolve("data/site-" + i));
      samples.add(100 + i);
    }
    return new MeshData(dirs, OUT.resolve("data/test.csv"), 8, 3, TaskKind.CLASSIFICATION, samples);
  }

  static MeshData plume(int sites) {
    MeshData b = blobs(sites);
    return new MeshData(b.siteDirs(), b.testCsv(), 11, 0, TaskKind.REGRESSION, b.samples());
  }

  static MeshPlan plan(MeshData data, String... args) {
    MeshOptions options = MeshOptionsTest.parse(args);
    options.validate();
    return MeshPlan.of(options, data, OUT);
  }

  @Test
  void fashionMnistEvaluatesOnItsTestFolderAndSaysWhatItIs() {
    MeshData b = blobs(8);
    MeshData images = new MeshData(b.siteDirs(), OUT.resolve("data/test"), 784, 10, TaskKind.CLASSIFICATION, b.samples(),
        List.of(1, 28, 28));
    MeshPlan plan = plan(images, "--problem", "fashion-mnist", "--alpha", "0.3");
    assertThat(plan.training().getSpec().evaluation.evaluatorRef).isEqualTo(MeshPlan.EVALUATOR);
    assertThat(plan.evaluator().dataDir()).isEqualTo(OUT.resolve("data/test"));
    assertThat(plan.heading()).contains("8 sites").contains("Fashion-MNIST").contains("1x28x28 images, 10 classes")
        .contains("Dirichlet(alpha=0.3)");
  }

  static MeshData images() {
    MeshData b = blobs(8);
    return new MeshData(b.siteDirs(), OUT.resolve("data/test"), 784, 10, TaskKind.CLASSIFICATION, b.samples(), List.of(1, 28, 28));
  }

  @Test
  void imagesTrainTheDefaultCnnWithAdamAndTablesAnMlp() {
    MeshPlan plan = plan(images(), "--problem", "fashion-mnist");
    DistributedModelSpec m = plan.model().getSpec();
    assertThat(m.architecture.type).isEqualTo(DistributedModelSpec.Architecture.Type.CNN);
    assertThat(m.inputShape).containsExactly(1, 28, 28);
    assertThat(m.outputShape).containsExactly(10);
    // the resolver takes it as it is: LeNet's blocks and head
    assertThat(new io.fedmesh.operator.validation.ModelResolver().resolve(m).validation().problems()).isEmpty();
    assertThat(plan.training().getSpec().localTraining.optimizer).isEqualTo(FederatedTrainingSpec.LocalTraining.Optimizer.ADAM);
    assertThat(plan.training().getSpec().localTraining.epochs).isEqualTo(1);
    assertThat(plan(images(), "--problem", "fashion-mnist", "--model", "resnet").model().getSpec().architecture.type)
        .isEqualTo(DistributedModelSpec.Architecture.Type.RESNET);
    assertThat(plan(images(), "--problem", "fashion-mnist", "--model", "mlp").model().getSpec().inputShape).containsExactly(784);
    assertThat(plan(blobs(4)).model().getSpec().architecture.type).isEqualTo(DistributedModelSpec.Architecture.Type.MLP);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan(blobs(4), "--model", "cnn"))
        .hasMessageContaining("--model cnn needs image data").hasMessageContaining("use --model mlp");
  }

  @Test
  void eachSiteGetsItsDataAnAgentWorkDirALogAndTheNextWanProfile() {
    MeshPlan plan = plan(blobs(5), "--sites", "5");
    assertThat(plan.sites()).extracting(MeshPlan.Site::name).containsExactly("site-0", "site-1", "site-2", "site-3", "site-4");
    assertThat(plan.sites()).extracting(MeshPlan.Site::wan).containsExactly(new WanLink.Profile(10, 200),
        new WanLink.Profile(30, 100), new WanLink.Profile(50, 50), new WanLink.Profile(80, 20), new WanLink.Profile(10, 200));
    MeshPlan.Site s3 = plan.sites().get(3);
    assertThat(s3.dataDir()).isEqualTo(OUT.resolve("data/site-3"));
    assertThat(s3.workDir()).isEqualTo(OUT.resolve("agents/site-3"));
    assertThat(s3.log()).isEqualTo(OUT.resolve("logs/site-3.log"));
    assertThat(s3.samples()).isEqualTo(103);
    assertThat(s3.agentArgs()).containsExactly("--region", "region-1", "--label", "fedmesh.io/mesh=local", "--label", "fedmesh.io/tier=factory",
        "--log-format", "text");
    assertThat(plan.sites().get(2).agentArgs()).contains("region-0");
    assertThat(plan.withHpc()).isFalse();
    assertThat(plan.training().getSpec().seed).as("spec.seed from --seed (default 42)").isEqualTo(42L);
    assertThat(plan.learner()).isNull();
    assertThat(plan.training().getSpec().adaptiveSimulation).isNull();
  }

  @Test
  void theStrategyFlagsReachTheTrainingAndItValidates() {
    var spec = plan(blobs(4), "--strategy", "BufferedAsync", "--buffer-size", "2", "--max-staleness", "4").training().getSpec();
    assertThat(spec.strategy.type).isEqualTo(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type.BufferedAsync);
    assertThat(spec.strategy.bufferedAsync.bufferSize).isEqualTo(2);
    assertThat(spec.strategy.bufferedAsync.maxStaleness).isEqualTo(4);
    assertThat(new io.fedmesh.operator.validation.TrainingValidator().validate(spec).problems()).isEmpty();
    var fedavg = plan(blobs(4)).training().getSpec();
    assertThat(fedavg.strategy.type).isEqualTo(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Strategy.Type.FedAvg);
    assertThat(fedavg.strategy.bufferedAsync).isNull();
  }

  @Test
  void aFixedDeadlineAndATargetReachTheTrainingAndItValidates() {
    var spec = plan(blobs(4), "--fixed-deadline", "5", "--target", "0.95").training().getSpec();
    assertThat(spec.roundDeadline.initialSeconds).isEqualTo(5);
    assertThat(spec.roundDeadline.adaptive).isFalse();
    assertThat(spec.roundDeadline.minSeconds).isEqualTo(5);
    assertThat(spec.target.metric).isEqualTo(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.Target.Metric.ACCURACY);
    assertThat(spec.target.value).isEqualTo(0.95);
    assertThat(new io.fedmesh.operator.validation.TrainingValidator().validate(spec).problems()).isEmpty();
    assertThat(plan(blobs(4), "--round-target", "auto").training().getSpec().roundDeadline.targetSeconds).isZero();
    var defaults = plan(blobs(4)).training().getSpec();
    assertThat(defaults.roundDeadline.adaptive).isTrue();
    assertThat(defaults.target).isNull();
  }

  @Test
  void theCompressionFlagsReachTheTrainingAndItValidates() {
    var spec = plan(blobs(4), "--compression", "topk", "--topk-fraction", "0.05").training().getSpec();
    assertThat(spec.wan.compression).isEqualTo(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.WanPolicy.Compression.TOPK);
    assertThat(spec.wan.topkFraction).isEqualTo(0.05);
    assertThat(new io.fedmesh.operator.validation.TrainingValidator().validate(spec).problems()).isEmpty();
    assertThat(plan(blobs(4)).training().getSpec().wan.compression)
        .isEqualTo(io.fedmesh.api.v1alpha1.FederatedTrainingSpec.WanPolicy.Compression.AUTO);
  }

  @Test
  void aScenarioGivesEachSiteItsLinkAndSlowsItsCompute() {
    MeshPlan plan = plan(blobs(8), "--sites", "8", "--scenario", "mixed");
    assertThat(plan.scenario().name).isEqualTo("mixed");
    assertThat(plan.sites().get(0).agentArgs()).containsSequence("--compute-slowdown", "10");
    assertThat(plan.sites().get(2).wan()).isEqualTo(new WanLink.Profile(120, 2));
    assertThat(plan.sites().get(3).agentArgs()).doesNotContain("--compute-slowdown");
    assertThat(plan.scenarioLine()).startsWith("  WAN scenario    mixed: ");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan(blobs(2), "--sites", "2", "--scenario", "partition"))
        .hasMessageContaining("events[0].sites: site-3 is not in the run").hasMessageContaining("raise --sites");
  }

  @Test
  void theHeadingNamesSitesRoundsTaskAndData() {
    assertThat(plan(blobs(4)).heading()).isEqualTo("fedmesh local: 4 sites, 10 rounds, classification, data built-in"
        + " (non-IID Gaussian blobs, 8 features, 3 classes)");
    assertThat(plan(plume(2), "--problem", "plume", "--rounds", "3").heading()).isEqualTo("fedmesh local: 2 sites, 3 rounds,"
        + " regression, data built-in plume (reference advection-diffusion sensor readings, 11 features; each site saw one"
        + " wind band and central sources only)");
    assertThat(plan(blobs(2), "--data", "my/data").heading()).endsWith("classification, data my/data");
  }

  @Test
  void theModelTakesItsShapesFromTheDataAndTheTrainingItsRoundsAndTestSetFromTheOptions() {
    MeshPlan plan = plan(blobs(3), "--rounds", "7");
    DistributedModelSpec model = plan.model().getSpec();
    assertThat(model.task).isEqualTo(DistributedModelSpec.Task.CLASSIFICATION);
    assertThat(model.inputShape).containsExactly(8);
    assertThat(model.outputShape).containsExactly(3);
    assertThat(plan.model().getMetadata().getNamespace()).isEqualTo("default");
    FederatedTrainingSpec training = plan.training().getSpec();
    assertThat(training.rounds).isEqualTo(7);
    assertThat(training.modelRef).isEqualTo(plan.model().getMetadata().getName());
    assertThat(training.evaluation.evaluatorRef).isEqualTo(MeshPlan.EVALUATOR);
    assertThat(plan.training().getMetadata().getNamespace()).isEqualTo("default");
    // the planned resources are ones the operator accepts
    assertThat(new TrainingValidator().validate(training).problems()).isEmpty();
    assertThat(new ModelResolver().resolve(model).spec()).isNotNull();
  }

  @Test
  void minSitesLeavesRoomForAKilledSite() {
    assertThat(plan(blobs(1), "--sites", "1").training().getSpec().participants.minSites).isEqualTo(1);
    assertThat(plan(blobs(2), "--sites", "2").training().getSpec().participants.minSites).isEqualTo(1);
    assertThat(plan(blobs(4)).training().getSpec().participants.minSites).isEqualTo(2);
  }

  @Test
  void thePlumeIsARegressionWithADeeperTanhModelTrainedWithAdam() {
    MeshPlan plan = plan(plume(2), "--problem", "plume");
    DistributedModelSpec model = plan.model().getSpec();
    assertThat(model.task).isEqualTo(DistributedModelSpec.Task.REGRESSION);
    assertThat(model.inputShape).containsExactly(11);
    assertThat(model.outputShape).containsExactly(1);
    assertThat(model.architecture.hiddenLayers).containsExactly(64, 64, 64);
    // every input centred and scaled (diffusivity by its range's spread), the label by the sites' spread
    assertThat(model.scaling.inputOffset).hasSize(11);
    assertThat(model.scaling.inputScale.get(0)).isCloseTo(0.025 / Math.sqrt(12), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(model.scaling.outputScale).isBetween(0.01, 1.0);
    assertThat(new ModelResolver().resolve(model).validation().problems()).isEmpty();
    assertThat(model.architecture.activation).isEqualTo(DistributedModelSpec.Architecture.Activation.TANH);
    FederatedTrainingSpec training = plan.training().getSpec();
    assertThat(training.target).as("an accuracy target makes no sense for an MSE").isNull();
    assertThat(training.localTraining.optimizer).isEqualTo(FederatedTrainingSpec.LocalTraining.Optimizer.ADAM);
    assertThat(training.localTraining.learningRate).isEqualTo(0.003);
    assertThat(training.localTraining.epochs).isEqualTo(4);
    assertThat(new TrainingValidator().validate(training).problems()).isEmpty();
  }

  @Test
  void withHpcTheTrainingRequestsABurstWhoseSamplesACloudSideLearnerTrainsOn() {
    MeshPlan plan = plan(blobs(2), "--hpc", "local", "--seed", "7");
    assertThat(plan.withHpc()).isTrue();
    assertThat(plan.hpc()).isEqualTo("local");
    MeshPlan.Site learner = plan.learner();
    assertThat(learner.name()).isEqualTo("hpc-sim");
    assertThat(learner.wan()).as("the learner runs in the cloud, next to the coordinator").isNull();
    assertThat(learner.dataDir()).isEqualTo(OUT.resolve("agents/hpc-sim/simulation-data"));
    assertThat(learner.log()).isEqualTo(OUT.resolve("logs/hpc-sim.log"));
    assertThat(learner.agentArgs()).containsExactly("--region", "cloud", "--label", "fedmesh.io/mesh=local", "--simulation-learner",
        "--log-format", "text");
    assertThat(plan.sites()).hasSize(2);
    FederatedTrainingSpec.AdaptiveSimulation sim = plan.training().getSpec().adaptiveSimulation;
    assertThat(sim.clusterRef).isEqualTo(LocalHpc.CLUSTER);
    assertThat(sim.trigger).isEqualTo(FederatedTrainingSpec.AdaptiveSimulation.Trigger.ALWAYS);
    assertThat(sim.burstTemplate.tasks).isEqualTo(LocalHpc.TASKS);
    assertThat(sim.burstTemplate.mode).isEqualTo(SimulationBurstSpec.Mode.ASYNC);
    assertThat(sim.burstTemplate.application.type).isEqualTo(SimulationBurstSpec.Application.Type.APPLICATION);
    assertThat(sim.burstTemplate.application.name).isEqualTo(LocalHpc.BLOBS_SAMPLER);
    assertThat(sim.burstTemplate.application.params).containsEntry("seed", "7");
    assertThat(LocalHpc.blobsSampler().args()).contains("io.fedmesh.mesh.data.SampleTask", "{seed}", "{taskIndex}", "{output}");
  }

  @Test
  void thePlumeBurstRunsTheReferenceSimulation() {
    SimulationBurstSpec burst = plan(plume(2), "--problem", "plume", "--hpc", "local").training().getSpec()
        .adaptiveSimulation.burstTemplate;
    assertThat(burst.application.type).isEqualTo(SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION);
    assertThat(burst.application.samplesPerTask).isEqualTo(150);
    assertThat(burst.ranksPerTask).as("one rank per task without Slurm").isEqualTo(1);
    assertThat(burst.sweep).isNotEmpty();
  }

  @Test
  void faultsAndLimitsComeFromTheOptions() {
    MeshPlan plan = plan(blobs(3), "--rounds", "6", "--kill-site-after-round", "2", "--out", "rel/out");
    assertThat(plan.rounds()).isEqualTo(6);
    assertThat(plan.killAfterRound()).isEqualTo(2);
    assertThat(plan.out()).isEqualTo(OUT);
    assertThat(plan.logsHint()).as("error messages name the logs as the user named --out").isEqualTo(Path.of("rel/out/logs"));
    assertThat(plan(blobs(3)).killAfterRound()).isEqualTo(-1);
  }
}
