package io.fedmesh.edge;

import static io.fedmesh.edge.AgentIntegrationTest.GLOBAL;
import static io.fedmesh.edge.AgentIntegrationTest.SITE;
import static io.fedmesh.edge.AgentIntegrationTest.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.rounds.AssignmentRunner;
import io.fedmesh.edge.rounds.VersionEvaluation;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.proto.federation.v1.Encoding;
import io.fedmesh.proto.federation.v1.EvaluationReport;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Evaluate-only assignments against the loopback coordinator: the version's metric is reported
 * (on all the data of an evaluator site, or on exactly the held-out split a learner never trains
 * on), nothing is trained or uploaded, unusable data is reported as an error, and a refusal is final.
 */
class AgentEvaluationTest {
  /** A version other than the training assignment's v1, so a report of the wrong weights shows. */
  static final float[] V2 = MlpParameters.initialize(SPEC, 99);

  @TempDir Path tmp;

  private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      logged.add(e);
    }
  };
  private final List<Logger> logs = List.of((Logger) LoggerFactory.getLogger(VersionEvaluation.class),
      (Logger) LoggerFactory.getLogger(AssignmentRunner.class));

  @BeforeEach
  void captureLog() {
    appender.start();
    logs.forEach(l -> l.addAppender(appender));
  }

  @AfterEach
  void releaseLog() {
    logs.forEach(l -> l.detachAppender(appender));
  }

  private AgentConfig config(int port, Path data) {
    return new AgentConfig(new HostPort("127.0.0.1", port), SITE, "", data, "label", "secret", "eu-west-1",
        Map.of(), tmp.resolve("work"), null, -1, 2, 512, 0);
  }

  private static TrainAssignment evaluateOnly(TrainAssignment training, String version) {
    return training.toBuilder().setEvaluateOnly(true).setModelVersion(version).build();
  }

  private List<String> messages() {
    return logged.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anEvaluatorSiteReportsTheVersionOnAllOfItsTestFileAndUploadsNothing() throws Exception {
    Path testCsv = tmp.resolve("test.csv"); // --data names a single file
    CsvDatasetWriter.write(testCsv, Blobs.of(240, 5), "label");
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, AgentIntegrationTest.assignment(Encoding.ENCODING_F32))) {
      coordinator.roundOpen = false; // this site trains nothing
      coordinator.versions.put("v2", V2);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), testCsv)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !coordinator.heartbeats.isEmpty());
        coordinator.assignEvaluation(evaluateOnly(AgentIntegrationTest.assignment(Encoding.ENCODING_F32), "v2"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !coordinator.evaluations.isEmpty());

        Evaluation expected = ModelEvaluator.evaluate(ModelDescription.fromProto(SPEC.toProto()), V2,
            CsvDatasetReader.read(testCsv, "label", TaskKind.CLASSIFICATION));
        EvaluationReport r = coordinator.evaluations.get(0);
        assertThat(r.getTraining()).isEqualTo("default/blobs");
        assertThat(r.getModelVersion()).isEqualTo("v2");
        assertThat(r.getSiteName()).isEqualTo(SITE);
        assertThat(r.getError()).isEmpty();
        assertThat(r.getMetricName()).isEqualTo("accuracy");
        assertThat(r.getSamples()).as("all of the test file").isEqualTo(240);
        assertThat(r.getMetric()).isEqualTo(expected.metric());
        assertThat(r.getLoss()).isCloseTo(expected.loss(), Offset.offset(1e-9));
        assertThat(r.getSeconds()).isPositive();
        assertThat(messages()).contains("site site-a: version v2 of default/blobs on 240 test samples: accuracy "
            + String.format(Locale.ROOT, "%.4f", expected.metric()));

        // later acks no longer list it: nothing more is sent, and nothing was ever trained or uploaded
        int beats = coordinator.heartbeats.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() > beats + 3);
        assertThat(coordinator.evaluations).hasSize(1);
        assertThat(coordinator.uploads.get()).isZero();
        assertThat(agent.pendingUpdates()).isEmpty();
        assertThat(agent.meterRegistry().get("fedmesh_agent_rounds_trained_total").counter().count()).isZero();
        assertThat(coordinator.downloadOffsets).as("only the version to evaluate").containsExactly(0L);
      }
    }
  }

  @Test
  void aLearnerEvaluatesOnExactlyTheHeldOutSplitItsTrainingRoundsHoldOut() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    CsvDatasetWriter.write(data.resolve("blobs.csv"), Blobs.of(240, 3), "label");
    TrainAssignment training = AgentIntegrationTest.assignment(Encoding.ENCODING_F32).toBuilder()
        .setLocal(AgentIntegrationTest.assignment(Encoding.ENCODING_F32).getLocal().toBuilder().setHoldoutFraction(0.25).setSeed(42))
        .build();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, training)) {
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(key) && agent.pendingUpdates().isEmpty());
        UpdateHeader round = coordinator.accepted.get(key);
        assertThat(round.getHeldOutSamples()).isEqualTo(60);

        // the same training, round, site and version: evaluated even though that round is finished
        coordinator.assignEvaluation(evaluateOnly(training, "v1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !coordinator.evaluations.isEmpty());
        EvaluationReport r = coordinator.evaluations.get(0);
        assertThat(r.getError()).isEmpty();
        assertThat(r.getSamples()).isEqualTo(round.getHeldOutSamples());
        // v1 on the same samples: the same numbers the round reported for them, not just as many samples
        assertThat(r.getMetric()).isEqualTo(round.getHeldOutMetric());
        assertThat(r.getLoss()).isCloseTo(round.getHeldOutLoss(), Offset.offset(1e-9));
        assertThat(messages()).anyMatch(m -> m.startsWith("site site-a: version v1 of default/blobs on 60 held-out samples: accuracy "));
        assertThat(coordinator.uploads.get()).as("the round's update only").isEqualTo(1);
        assertThat(agent.meterRegistry().get("fedmesh_agent_rounds_trained_total").counter().count()).isEqualTo(1.0);
      }
    }
  }

  @Test
  void dataThatDoesNotFitTheModelIsReportedAsAnErrorWithoutDownloadingIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("test.csv"), "a,b,c,label\n0.1,0.2,0.3,0\n0.5,0.6,0.7,1\n");
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, AgentIntegrationTest.assignment(Encoding.ENCODING_F32))) {
      coordinator.roundOpen = false;
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !coordinator.heartbeats.isEmpty());
        coordinator.assignEvaluation(evaluateOnly(AgentIntegrationTest.assignment(Encoding.ENCODING_F32), "v1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !coordinator.evaluations.isEmpty());
        EvaluationReport r = coordinator.evaluations.get(0);
        assertThat(r.getError()).contains("3 feature columns").contains("expects 4");
        assertThat(r.getSamples()).isZero();
        assertThat(r.getMetricName()).isEmpty();
        assertThat(r.getModelVersion()).isEqualTo("v1");
        assertThat(coordinator.downloadOffsets).as("no model is fetched for data that cannot take it").isEmpty();
        assertThat(coordinator.uploads.get()).isZero();
        assertThat(agent.problem()).contains("3 feature columns");
      }
    }
  }

  @Test
  void aFailedReportIsRetriedAndARefusalIsFinal() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    CsvDatasetWriter.write(data.resolve("blobs.csv"), Blobs.of(60, 3), "label");
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, AgentIntegrationTest.assignment(Encoding.ENCODING_F32))) {
      coordinator.roundOpen = false;
      coordinator.failNextEvaluation.set(true);
      coordinator.refuseEvaluations = "site-a is not assigned this evaluation";
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !coordinator.heartbeats.isEmpty());
        coordinator.assignEvaluation(evaluateOnly(AgentIntegrationTest.assignment(Encoding.ENCODING_F32), "v1"));
        // the first call fails (not a transient code, so no retry inside the call): the next ack brings it again
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.evaluations.size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> messages().stream().anyMatch(m -> m.equals(
            "site site-a: the coordinator refused the evaluation of version v1 of default/blobs: site-a is not assigned this evaluation")));
        // acks still list it, but a refusal is an answer: never sent again
        int beats = coordinator.heartbeats.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() > beats + 3);
        assertThat(coordinator.evaluations).hasSize(2);
        assertThat(coordinator.uploads.get()).isZero();
      }
    }
  }

  @Test
  void anEvaluationPastItsDeadlineIsSkippedWithoutDownloadingOrReporting() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    CsvDatasetWriter.write(data.resolve("blobs.csv"), Blobs.of(60, 3), "label");
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, AgentIntegrationTest.assignment(Encoding.ENCODING_F32))) {
      coordinator.roundOpen = false;
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !coordinator.heartbeats.isEmpty());
        coordinator.assignEvaluation(evaluateOnly(AgentIntegrationTest.assignment(Encoding.ENCODING_F32), "v1").toBuilder()
            .setDeadlineUnixMs(System.currentTimeMillis() - 1000).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> messages().contains(
            "site site-a: the evaluation of version v1 of default/blobs is past its deadline; not evaluating it"));
        int beats = coordinator.heartbeats.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() > beats + 3);
        assertThat(messages()).filteredOn(m -> m.contains("past its deadline")).as("skipped once, not on every ack").hasSize(1);
        assertThat(coordinator.evaluations).isEmpty();
        assertThat(coordinator.downloadOffsets).isEmpty();
      }
    }
  }
}
