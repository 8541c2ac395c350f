package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import io.fedmesh.operator.validation.ModelResolver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator against the fabric8 mock API server (CRUD), with learners over real loopback gRPC. */
@EnableKubernetesMockClient(crud = true)
class FederationMockTest {
  KubernetesClient client;
  @TempDir Path checkpoints;
  FedmeshOperator operator;
  int port;
  final List<TestLearner> learners = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    CrdFixtures.install(client);
    port = freePort();
    operator = FedmeshOperator.start(client, config());
  }

  OperatorConfig config() {
    return CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    learners.forEach(TestLearner::close);
    if (operator != null) {
      operator.close();
    }
  }

  TestLearner learner(String site) {
    TestLearner l = new TestLearner(site, port, 0.25f, 100);
    learners.add(l);
    return l;
  }

  void model(String name) {
    CrdFixtures.model(client, name);
  }

  FederatedTraining training(String name, String model, int rounds) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = model;
    s.rounds = rounds;
    s.participants.minSites = 2;
    s.roundDeadline.initialSeconds = 20;
    ft.setSpec(s);
    return ft;
  }

  FederatedTraining get(String name) {
    return client.resources(FederatedTraining.class).inNamespace("default").withName(name).get();
  }

  EdgeSite site(String name) {
    return client.resources(EdgeSite.class).inNamespace("default").withName(name).get();
  }

  @Test
  void trainingSucceedsAggregatesExactlyAndCountsResendsOnce() {
    model("m");
    learner("site-a");
    learner("site-b");
    client.resource(training("ft", "m", 3)).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("ft").getStatus() != null
        && get("ft").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);

    FederatedTrainingStatus st = get("ft").getStatus();
    assertThat(st.round).isEqualTo(3);
    assertThat(st.progress).isEqualTo("3/3");
    assertThat(st.condition("Ready").getStatus()).isEqualTo("True");
    assertThat(st.condition("Ready").getReason()).isEqualTo("Succeeded");
    assertThat(st.history).extracting(h -> h.round).containsExactly(1, 2, 3);
    // each learner sent every update twice: counted once (2 sites x 100 samples)
    assertThat(st.history).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.samples).isEqualTo(200);
    });
    assertThat(learners).allSatisfy(l -> assertThat(l.responses).anySatisfy(r -> assertThat(r.getDuplicate()).isTrue()));
    assertThat(st.bytesMoved).isPositive();

    // FedAvg of two identical half-steps towards 0.25, three rounds: w3 - t = (w0 - t) / 8
    var spec = new ModelResolver().resolve(client.resources(DistributedModel.class).inNamespace("default").withName("m").get().getSpec()).spec();
    float[] w0 = io.fedmesh.models.InitialModel.of(spec, get("ft").getMetadata().getUid().hashCode()).weights();
    float[] w3 = new CheckpointStore(checkpoints).load("default", "ft", "ft-r3").orElseThrow();
    for (int i = 0; i < w3.length; i++) {
      assertThat((double) w3[i] - 0.25).isCloseTo((w0[i] - 0.25) / 8.0, org.assertj.core.api.Assertions.within(1e-5));
    }
    // versions reach the model's status from their own writer thread, soon after the round
    await().atMost(Duration.ofSeconds(10)).until(() -> "ft-r3".equals(
        client.resources(DistributedModel.class).inNamespace("default").withName("m").get().getStatus().latestVersion));
    var dm = client.resources(DistributedModel.class).inNamespace("default").withName("m").get();
    assertThat(dm.getStatus().versions).extracting(v -> v.version).containsExactly("ft-r1", "ft-r2", "ft-r3");
    assertThat(dm.getStatus().layers).containsExactly(2, 3, 2);
  }

  @Test
  void invalidSpecIsReportedAndNeverStartsARound() throws Exception {
    model("m");
    TestLearner a = learner("site-a");
    learner("site-b");
    FederatedTraining ft = training("bad", "m", 0);
    ft.getSpec().participants.maxSites = 1;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("bad").getStatus() != null && get("bad").getStatus().condition("Ready") != null);
    var ready = get("bad").getStatus().condition("Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ValidationFailed");
    assertThat(ready.getMessage()).contains("spec.rounds must be between 1 and 10000 (got 0)")
        .contains("spec.participants.minSites (2) must not exceed maxSites (1)");
    // and it stays so: no round opens while the spec is invalid
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
        .until(() -> get("bad").getStatus().round == null && a.assignmentsSeen.get() == 0);
  }

  @Test
  void missingModelIsAConditionNamingTheField() {
    client.resource(training("orphan", "no-such-model", 2)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("orphan").getStatus() != null
        && get("orphan").getStatus().condition("Ready") != null);
    var ready = get("orphan").getStatus().condition("Ready");
    assertThat(ready.getReason()).isEqualTo("ModelNotFound");
    assertThat(ready.getMessage()).contains("spec.modelRef").contains("no-such-model");
    assertThat(get("orphan").getStatus().phase).isEqualTo(FederatedTrainingStatus.Phase.Pending);
  }

  @Test
  void siteGoesOfflineWhenSilentAndReadyWhenItReturns() {
    TestLearner a = learner("site-a");
    await().atMost(Duration.ofSeconds(20)).until(() -> site("site-a") != null && site("site-a").getStatus() != null
        && site("site-a").getStatus().phase == EdgeSiteStatus.Phase.Ready);
    assertThat(site("site-a").getMetadata().getLabels()).containsEntry("fedmesh.io/test", "yes");
    a.pause();
    await().atMost(Duration.ofSeconds(20)).until(() -> site("site-a").getStatus().phase == EdgeSiteStatus.Phase.Offline);
    assertThat(site("site-a").getStatus().message).contains("no heartbeat");
    assertThat(site("site-a").getStatus().condition("Ready").getStatus()).isEqualTo("False");
    a.resume();
    await().atMost(Duration.ofSeconds(20)).until(() -> site("site-a").getStatus().phase == EdgeSiteStatus.Phase.Ready);
  }

  @Test
  void aRestartedOperatorResumesFromTheCheckpointInsteadOfStartingOver() throws Exception {
    model("m");
    learner("site-a");
    learner("site-b");
    FederatedTraining ft = training("long", "m", 40); // rounds take a fraction of a second: enough of them to stop mid-run
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("long").getStatus() != null && get("long").getStatus().round != null
        && get("long").getStatus().round >= 2);
    operator.close();
    int roundAtStop = get("long").getStatus().round;
    assertThat(roundAtStop).as("stopped mid-run").isLessThan(40);
    operator = FedmeshOperator.start(client, config());
    List<Integer> seen = new CopyOnWriteArrayList<>();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      FederatedTrainingStatus st = get("long").getStatus();
      if (st.round != null) {
        seen.add(st.round);
      }
      return st.phase == FederatedTrainingStatus.Phase.Succeeded;
    });
    assertThat(seen).isSorted().allSatisfy(r -> assertThat(r).isGreaterThanOrEqualTo(roundAtStop));
    assertThat(get("long").getStatus().history).extracting(h -> h.round)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Resumed"))); // events go out from their own thread
  }

  @Test
  void federatedEvaluationPutsTheSitesHeldOutMetricOnTheRoundThatMadeTheModel() {
    model("m");
    TestLearner a = learner("site-a");
    TestLearner b = learner("site-b");
    FederatedTraining ft = training("fe", "m", 3);
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.federated = true;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("fe").getStatus() != null
        && get("fe").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = get("fe").getStatus();
    // a tenth of each site's 100 samples is held out, so 90 train
    assertThat(st.history).allSatisfy(h -> assertThat(h.samples).isEqualTo(180));
    // round r's model is judged by round r+1's sites (equal held-out samples: the plain mean)
    for (int r = 1; r <= 3; r++) { // the last model by the last round's sites, after it
      int round = r;
      FederatedTrainingStatus.RoundRecord rec = st.history.stream().filter(h -> h.round == round).findFirst().orElseThrow();
      double expected = (a.heldOutMetric(round + 1) + b.heldOutMetric(round + 1)) / 2;
      assertThat(rec.heldOutMetric).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-4));
      assertThat(rec.heldOutSites).containsOnlyKeys("site-a", "site-b");
    }
    assertThat(a.evaluated).containsExactly("fe-r3");
    assertThat(st.federatedEvaluation.version).isEqualTo("fe-r3");
    assertThat(st.federatedEvaluation.samples).isEqualTo(20);
  }

  @Test
  void anEvaluatorSiteJudgesEveryVersionNeverTrainsAndItsMetricIsTheRounds() {
    model("m");
    evaluatorSite("judge");
    learner("site-a");
    learner("site-b");
    TestLearner judge = learner("judge");
    FederatedTraining ft = training("central", "m", 3);
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.evaluatorRef = "judge";
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("central").getStatus() != null
        && get("central").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = get("central").getStatus();
    assertThat(st.history).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.metric).isCloseTo(judge.evaluatorMetric(h.round), org.assertj.core.api.Assertions.within(1e-4));
    });
    assertThat(judge.evaluated).containsExactly("central-r1", "central-r2", "central-r3");
    assertThat(judge.evaluationReports).allSatisfy(r -> assertThat(r.getAccepted()).isTrue());
    assertThat(st.metric.value).isCloseTo(judge.evaluatorMetric(3), org.assertj.core.api.Assertions.within(1e-4));
    assertThat(judge.assignmentsSeen).as("an evaluator is never given a round to train").hasValue(0);
  }

  @Test
  void aRoundWhoseEvaluatorCannotEvaluateCompletesWithTheSitesMetricAndSaysWhy() {
    model("m");
    evaluatorSite("judge");
    learner("site-a");
    learner("site-b");
    TestLearner judge = learner("judge");
    judge.evaluationError = "test.csv has 3 feature columns but the model's input has 2";
    FederatedTraining ft = training("fallback", "m", 2);
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.evaluatorRef = "judge";
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("fallback").getStatus() != null
        && get("fallback").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    // the sites' own local metric (TestLearner: 0.5 + 0.1 x round), not a made-up one
    assertThat(get("fallback").getStatus().history).allSatisfy(h -> assertThat(h.metric).isCloseTo(0.5 + 0.1 * h.round,
        org.assertj.core.api.Assertions.within(1e-4)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("EvaluationMissing");
          assertThat(e.getMessage()).contains("judge", "3 feature columns");
        }));
  }

  @Test
  void aRoundWaitsForItsEvaluatorAtMostTimeoutSecondsAndItsStatusSaysSo() {
    model("m");
    evaluatorSite("judge");
    learner("site-a");
    learner("site-b");
    learner("judge").holdEvaluations = true;
    FederatedTraining ft = training("slowjudge", "m", 1);
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.evaluatorRef = "judge";
    ft.getSpec().evaluation.timeoutSeconds = 3;
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("slowjudge").getStatus().condition("Ready").getMessage())
        .isEqualTo("version slowjudge-r1 is being evaluated by judge (at most 3 s, spec.evaluation.timeoutSeconds)"));
    await().atMost(Duration.ofSeconds(30)).until(() -> get("slowjudge").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    assertThat(get("slowjudge").getStatus().history).singleElement().satisfies(h -> assertThat(h.metric).isCloseTo(0.6,
        org.assertj.core.api.Assertions.within(1e-4)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> assertThat(e.getMessage()).contains("evaluator judge did not report")));
  }

  @Test
  void aTrainingNamingAMissingOrLearnerEvaluatorWaitsAndNamesTheField() {
    model("m");
    learner("site-a");
    learner("site-b");
    FederatedTraining ft = training("noeval", "m", 2);
    ft.getSpec().evaluation = new FederatedTrainingSpec.Evaluation();
    ft.getSpec().evaluation.evaluatorRef = "site-a";
    client.resource(ft).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var ready = get("noeval").getStatus() == null ? null : get("noeval").getStatus().condition("Ready");
      assertThat(ready).isNotNull();
      assertThat(ready.getReason()).isEqualTo("EvaluatorNotFound");
      assertThat(ready.getMessage()).contains("spec.evaluation.evaluatorRef", "site-a", "spec.role");
    });
    assertThat(get("noeval").getStatus().round).isNull();
  }

  @Test
  void updatesEncodedTensorByTensorAreDecodedAndAggregated() {
    var dm = new DistributedModel(); // wide enough that its big tensors go f16 and only the output bias stays f32
    dm.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("default").build());
    dm.setSpec(new io.fedmesh.api.v1alpha1.DistributedModelSpec());
    dm.getSpec().architecture = new io.fedmesh.api.v1alpha1.DistributedModelSpec.Architecture();
    dm.getSpec().architecture.hiddenLayers = List.of(1024);
    dm.getSpec().inputShape = List.of(2);
    dm.getSpec().outputShape = List.of(2);
    client.resource(dm).create();
    learner("site-a").perTensorF16 = true;
    learner("site-b").perTensorF16 = true;
    client.resource(training("tensors", "m", 2)).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> get("tensors").getStatus() != null
        && get("tensors").getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = get("tensors").getStatus();
    assertThat(st.history).allSatisfy(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b");
      assertThat(h.refused).isNullOrEmpty();
    });
    // each round moves every weight halfway to 0.25 from where it started: after two, a quarter of the way from the start
    float[] start = learners.get(0).downloaded.get(1);
    float[] model = new CheckpointStore(checkpoints).load("default", "tensors", "tensors-r2").orElseThrow();
    for (int i = 0; i < model.length; i++) {
      assertThat(model[i]).isCloseTo(0.25f + (start[i] - 0.25f) / 4, org.assertj.core.api.Assertions.within(2e-3f));
    }
    // (a resend after its round closed is refused as unexpected: that is the resend, not the encoding; the
    // training's own name, "tensors", is in every refusal, so only the encoding checks' field names count)
    assertThat(learners).allSatisfy(l -> assertThat(l.refusals).noneMatch(r -> r.contains("tensor_encodings") || r.contains("total_bytes")
        || r.contains("bytes for the tensors")));
    assertThat(java.util.stream.IntStream.range(0, model.length).anyMatch(i -> model[i] != 0.25f + (start[i] - 0.25f) / 4))
        .as("f16 rounded some weights: the tensors did travel narrower").isTrue();
  }

  /** An EdgeSite that only evaluates, created before its agent registers. */
  void evaluatorSite(String name) {
    EdgeSite e = new EdgeSite();
    e.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    e.setSpec(new io.fedmesh.api.v1alpha1.EdgeSiteSpec());
    e.getSpec().role = io.fedmesh.api.v1alpha1.EdgeSiteSpec.Role.EVALUATOR;
    client.resource(e).create();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
