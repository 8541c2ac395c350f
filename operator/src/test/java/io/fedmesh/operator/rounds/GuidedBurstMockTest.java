package io.fedmesh.operator.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.AdaptiveSimulation;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.ArchitectureType;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.status.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * acquisition error through the Kubernetes API: after a uniform first burst whose samples show the
 * model failing where a < 0.5 and b > 0.5, the next SimulationBurst the training creates sweeps
 * exactly that region, and the status says so; a core-hour budget stops the next one.
 */
@EnableKubernetesMockClient(crud = true)
class GuidedBurstMockTest {
  KubernetesClient client;
  @TempDir Path tmp;
  EventRecorder events;
  Federation federation;

  static final ModelDescription MODEL = ModelDescription.of(new ModelDescription(ArchitectureType.MLP, new int[] {3}, 1,
      TaskKind.REGRESSION, new int[] {8}, Activation.TANH, List.of(), 0, 0, null).mlp());

  @BeforeEach
  void setUp() throws Exception {
    io.fedmesh.operator.CrdFixturesAccess.install(client);
    events = new EventRecorder(client);
    federation = new Federation(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(tmp.resolve("accepted")));
  }

  @AfterEach
  void tearDown() {
    events.close();
  }

  static SimulationBurstSpec.SweepParameter param(String name) {
    SimulationBurstSpec.SweepParameter p = new SimulationBurstSpec.SweepParameter();
    p.name = name;
    p.min = 0.0;
    p.max = 1.0;
    return p;
  }

  FederatedTraining training(Double budget) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").withUid("uid-t").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = 10;
    AdaptiveSimulation a = new AdaptiveSimulation();
    a.clusterRef = "hpc";
    a.trigger = AdaptiveSimulation.Trigger.PLATEAU;
    a.patience = 1;
    a.minDelta = 1.0; // every round is a plateau: the trigger fires, and the acquisition decides where
    a.maxBursts = 3;
    a.acquisition = AdaptiveSimulation.Acquisition.ERROR;
    a.coreHourBudget = budget;
    a.burstTemplate = new SimulationBurstSpec();
    a.burstTemplate.tasks = 4;
    a.burstTemplate.ranksPerTask = 1;
    a.burstTemplate.walltimeSeconds = 900;
    a.burstTemplate.sweep = new ArrayList<>(List.of(param("a"), param("b")));
    ft.getSpec().adaptiveSimulation = a;
    ft.setStatus(new FederatedTrainingStatus());
    ft.getStatus().burstsRequested = new ArrayList<>(List.of("t-sim-1"));
    FederatedTrainingStatus.BurstPlacement first = new FederatedTrainingStatus.BurstPlacement();
    first.burst = "t-sim-1";
    first.acquisition = "error";
    first.region = "whole sweep";
    first.coreHours = 1.0;
    ft.getStatus().burstPlacements = new ArrayList<>(List.of(first));
    return ft;
  }

  /** The first, uniform burst, finished: 300 readings over the whole sweep, large only where a < 0.5 and b > 0.5. */
  void firstBurst() throws Exception {
    StringBuilder csv = new StringBuilder("c,a,b,label\n");
    Random r = new Random(5);
    for (int i = 0; i < 300; i++) {
      double a = r.nextDouble();
      double b = r.nextDouble();
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f%n", r.nextDouble(), a, b, a < 0.5 && b > 0.5 ? 3.0 : 0.05));
    }
    Path file = tmp.resolve("t-sim-1.csv");
    Files.writeString(file, csv);
    SimulationBurst b = new SimulationBurst();
    b.setMetadata(new ObjectMetaBuilder().withName("t-sim-1").withNamespace("default").build());
    b.setSpec(new SimulationBurstSpec());
    client.resource(b).create();
    SimulationBurstStatus st = new SimulationBurstStatus();
    st.phase = SimulationBurstStatus.Phase.Succeeded;
    st.datasetPath = file.toString();
    st.producedSamples = 300L;
    new io.fedmesh.operator.status.StatusRecorder<>(client, SimulationBurst.class, SimulationBurstStatus.class, k -> Optional.empty())
        .merge("default", "t-sim-1", st);
  }

  SimulationFeed feed(FederatedTraining ft) {
    return new SimulationFeed(client, federation, events, ft,
        k -> Optional.ofNullable(client.resources(SimulationBurst.class).inNamespace("default").withName(k.substring(k.indexOf('/') + 1)).get()));
  }

  static List<FederatedTrainingStatus.RoundRecord> plateau() {
    List<FederatedTrainingStatus.RoundRecord> history = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      FederatedTrainingStatus.RoundRecord r = new FederatedTrainingStatus.RoundRecord();
      r.round = i;
      r.metric = 0.5;
      history.add(r);
    }
    return history;
  }

  @Test
  void theGuidedBurstSweepsTheRegionWhereTheModelErrs() throws Exception {
    firstBurst();
    FederatedTraining ft = training(null);
    SimulationFeed feed = feed(ft);
    feed.beforeRound(ft, MODEL, plateau(), 3, new float[(int) MODEL.parameterCount()]); // the zero model: predicts 0
    SimulationBurst next = client.resources(SimulationBurst.class).inNamespace("default").withName("t-sim-2").get();
    assertThat(next).as("the trigger fired and the guided burst was created").isNotNull();
    assertThat(next.getSpec().clusterRef).isEqualTo("hpc");
    assertThat(next.getSpec().sweep).extracting(p -> p.name + "=" + p.min + ".." + p.max).containsExactly("a=0.0..0.5", "b=0.5..1.0");
    assertThat(next.getMetadata().getOwnerReferences()).extracting("name").containsExactly("t");
    var placed = feed.placements();
    assertThat(placed).hasSize(2);
    var p = placed.get(1);
    assertThat(p.burst).isEqualTo("t-sim-2");
    assertThat(p.round).isEqualTo(3);
    assertThat(p.region).isEqualTo("a [0.000, 0.5000] b [0.5000, 1.000]");
    assertThat(p.score).isGreaterThan(p.runnerUpScore);
    assertThat(p.reason).startsWith("error: region 2 of 4");
    assertThat(feed.coreHoursRequested()).isEqualTo(2.0); // 1.0 before + 4 tasks x 1 rank x 900 s
  }

  @Test
  void aBurstThatWouldPassTheCoreHourBudgetIsNotRequested() throws Exception {
    firstBurst();
    FederatedTraining ft = training(1.5); // 1.0 spent, the next reserves 1.0
    SimulationFeed feed = feed(ft);
    feed.beforeRound(ft, MODEL, plateau(), 3, new float[(int) MODEL.parameterCount()]);
    assertThat(client.resources(SimulationBurst.class).inNamespace("default").withName("t-sim-2").get()).isNull();
    assertThat(feed.requested()).containsExactly("t-sim-1");
    assertThat(feed.placements()).hasSize(1);
  }
}
