package io.fedmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.common.model.Activation;
import io.fedmesh.common.model.MlpEvaluator;
import io.fedmesh.common.model.MlpParameters;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.TaskKind;
import io.fedmesh.edge.rounds.AssignmentRunner;
import io.fedmesh.proto.federation.v1.Encoding;
import io.fedmesh.proto.federation.v1.HeartbeatRequest;
import io.fedmesh.proto.federation.v1.LocalTraining;
import io.fedmesh.proto.federation.v1.RegisterRequest;
import io.fedmesh.proto.federation.v1.SiteState;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import io.fedmesh.proto.federation.v1.UpdateHeader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real EdgeAgent (real DJL training) against a real gRPC coordinator on a loopback socket:
 * register, heartbeat, a resumed download, an upload whose lost ack is resent and deduplicated,
 * a coordinator restart on the same port, a forgotten session, the outbox and bad local data.
 */
class AgentIntegrationTest {
  static final String SITE = "site-a";
  static final MlpSpec SPEC = new MlpSpec(new int[] {4, 32, 32, 3}, Activation.RELU, TaskKind.CLASSIFICATION);
  static final float[] GLOBAL = MlpParameters.initialize(SPEC, 11);

  @TempDir Path tmp;

  static TrainAssignment assignment(Encoding encoding) {
    return TrainAssignment.newBuilder()
        .setTraining("default/blobs")
        .setRound(1)
        .setModelVersion("v1")
        .setModel(SPEC.toProto())
        .setLocal(LocalTraining.newBuilder().setEpochs(4).setBatchSize(16).setLearningRate(0.1).setOptimizer("sgd"))
        .setDeadlineUnixMs(System.currentTimeMillis() + 300_000)
        .setEncoding(encoding)
        .setLabelColumn("label")
        .build();
  }

  private Path blobData() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    CsvDatasetWriter.write(dir.resolve("blobs.csv"), Blobs.of(240, 3), "label");
    return dir;
  }

  private AgentConfig config(int port, Path data) {
    return new AgentConfig(new HostPort("127.0.0.1", port), SITE, "", data, "label", "secret", "eu-west-1",
        Map.of("tier", "edge"), tmp.resolve("work"), null, -1, 2, 512, 0);
  }

  @Test
  void trainsOnceDedupsAResendAndFindsARestartedCoordinator() throws Exception {
    Path data = blobData();
    TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_F16));
    int port = coordinator.port();
    coordinator.breakNextDownload.set(true);
    coordinator.loseNextAck.set(true);
    String key = coordinator.key(SITE);
    try (EdgeAgent agent = new EdgeAgent(config(port, data)).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(key)
          && coordinator.duplicates.get() == 1 && agent.pendingUpdates().isEmpty());

      RegisterRequest reg = coordinator.registrations.get(0);
      assertThat(reg.getSiteName()).isEqualTo(SITE);
      assertThat(reg.getBootstrapToken()).isEqualTo("secret");
      assertThat(reg.getRegion()).isEqualTo("eu-west-1");
      assertThat(reg.getLabelsMap()).containsEntry("tier", "edge");
      assertThat(reg.getCapacity().getCpu()).isEqualTo(2.0);
      assertThat(reg.getCapacity().getMemoryBytes()).isEqualTo(512L * 1024 * 1024);
      assertThat(reg.getDatasetsList()).singleElement().satisfies(d -> {
        assertThat(d.getSamples()).isEqualTo(240);
        assertThat(d.getFeatures()).isEqualTo(4);
        assertThat(d.getClasses()).isEqualTo(3);
        assertThat(d.getFormat()).isEqualTo("csv");
      });
      // the first download broke after one chunk; the retry resumed from what had arrived
      assertThat(coordinator.downloadOffsets).containsExactly(0L, (long) TestCoordinator.CHUNK);
      // the ack of the first upload was lost: the resend was recognised, the update counted once
      assertThat(coordinator.uploads.get()).isEqualTo(2);
      assertThat(coordinator.weights).containsOnlyKeys(key);

      UpdateHeader h = coordinator.accepted.get(key);
      assertThat(h.getIdempotencyKey()).isEqualTo("default/blobs/1/site-a");
      assertThat(h.getSamples()).isEqualTo(240);
      assertThat(h.getBaseModelVersion()).isEqualTo("v1");
      assertThat(coordinator.hasSession(h.getSessionId())).as("the upload carries the session it registered").isTrue();
      assertThat(h.getEncoding()).isEqualTo(Encoding.ENCODING_F16);
      assertThat(h.getNumParameters()).isEqualTo(SPEC.parameterCount());
      // tensor by tensor: the 32x32 weights in f16, the tensors under 1,024 values in f32
      assertThat(h.getTensorEncodingsList()).containsExactly(Encoding.ENCODING_F32, Encoding.ENCODING_F32, Encoding.ENCODING_F16,
          Encoding.ENCODING_F32, Encoding.ENCODING_F32, Encoding.ENCODING_F32);
      assertThat(h.getTotalBytes()).isEqualTo(2L * 1024 + 4L * (SPEC.parameterCount() - 1024));
      assertThat(h.getTrainLoss()).isPositive();
      assertThat(h.getTrainSeconds()).isPositive();
      // the upload carries trained weights (not a delta) that classify the site's data
      Dataset local = CsvDatasetReader.readDirectory(data, "label", TaskKind.CLASSIFICATION);
      double before = MlpEvaluator.evaluate(SPEC, GLOBAL, local).metric();
      double after = MlpEvaluator.evaluate(SPEC, coordinator.weights.get(key), local).metric();
      assertThat(after).isGreaterThan(0.9).isGreaterThan(before);
      assertThat(h.getLocalMetric()).isCloseTo(after, org.assertj.core.data.Offset.offset(0.02));

      // heartbeats: increasing sequence, Ready, RTT measured from the echoed timestamps
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() >= 5
          && coordinator.lastHeartbeat().getLink().getRttMs() > 0);
      HeartbeatRequest last = coordinator.lastHeartbeat();
      assertThat(last.getState()).isEqualTo(SiteState.SITE_STATE_READY);
      assertThat(last.getSeq()).isGreaterThan(coordinator.heartbeats.get(0).getSeq());
      assertThat(last.getLink().getBandwidthMbps()).isPositive();
      assertThat(last.getDatasetsList()).singleElement().satisfies(d -> assertThat(d.getSamples()).isEqualTo(240));
      // the assignment is no longer listed once accepted: nothing more is sent
      await().during(Duration.ofMillis(5 * TestCoordinator.HEARTBEAT_MS)).atMost(Duration.ofSeconds(10))
          .until(() -> coordinator.uploads.get() == 2);
      // metrics as Prometheus scrapes them: both uploads count; the resumed download fetched each byte once
      String scrape = ((PrometheusMeterRegistry) agent.meterRegistry()).scrape();
      long modelBytes = 4 * SPEC.parameterCount();
      assertThat(scrape).contains("fedmesh_agent_rounds_trained_total 1.0", "fedmesh_agent_train_seconds_count 1",
          "fedmesh_agent_bytes_sent_total " + (2.0 * h.getTotalBytes()),
          "fedmesh_agent_bytes_received_total " + (double) modelBytes,
          "fedmesh_agent_heartbeat_rtt_ms_count");
      assertThat(agent.meterRegistry().get("fedmesh_agent_heartbeat_rtt_ms").summary().count()).isPositive();

      // restart on the same port, with no memory of the accepted update: the agent re-registers
      // and delivers it again from its cache, without downloading or training again
      coordinator.close();
      try (TestCoordinator restarted = TestCoordinator.start(port, SPEC, GLOBAL, assignment(Encoding.ENCODING_F16))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.accepted.containsKey(key));
        assertThat(restarted.registrations).isNotEmpty();
        assertThat(restarted.downloadOffsets).isEmpty();
        assertThat(restarted.weights.get(key)).containsExactly(coordinator.weights.get(key));
        assertThat(restarted.hasSession(restarted.accepted.get(key).getSessionId()))
            .as("an update left from the old session goes under the new one").isTrue();

        // a coordinator that lost the session answers FAILED_PRECONDITION: the agent registers again
        int registered = restarted.registrations.size();
        restarted.forgetSessions();
        await().atMost(Duration.ofSeconds(15)).until(() -> restarted.registrations.size() > registered);
        int beats = restarted.heartbeats.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.heartbeats.size() > beats + 2);
      }
    } finally {
      coordinator.close();
    }
  }

  @Test
  void anUpdateTheCoordinatorCouldNotTakeWaitsInTheOutboxAndTheReturningSiteDeliversIt() throws Exception {
    Path data = blobData();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_Q8))) {
      coordinator.refuseUploads = true;
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.uploads.get() >= 2);
        assertThat(agent.pendingUpdates()).singleElement()
            .satisfies(p -> assertThat(p.header().getIdempotencyKey()).isEqualTo(key));
      }
      assertThat(coordinator.accepted).isEmpty();
      // the site went away with its update on disk; a new agent process on the same work dir sends it
      coordinator.refuseUploads = false;
      try (EdgeAgent returning = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.accepted.containsKey(key)
            && returning.pendingUpdates().isEmpty());
      }
      assertThat(coordinator.downloadOffsets).as("trained once, never again").containsExactly(0L);
      assertThat(coordinator.duplicates.get()).as("the outbox went out once; later acks did not trigger a resend").isZero();
      assertThat(coordinator.accepted.get(key).getEncoding()).isEqualTo(Encoding.ENCODING_Q8);
    }
  }

  @Test
  void aTopKAssignmentSendsTheLargestEntriesOfTheDeltaAndSaysHowMany() throws Exception {
    Path data = blobData();
    TrainAssignment topk = assignment(Encoding.ENCODING_TOPK).toBuilder().setTopkFraction(0.25).build();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, topk)) {
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(key) && agent.pendingUpdates().isEmpty());
      }
      int k = io.fedmesh.common.codec.SparseDelta.valuesFor(GLOBAL.length, 0.25);
      var header = coordinator.accepted.get(key);
      assertThat(header.getEncoding()).isEqualTo(Encoding.ENCODING_TOPK);
      assertThat(header.getSparseValues()).isEqualTo(k);
      assertThat(header.getTotalBytes()).isEqualTo(8L * k);
      float[] rebuilt = coordinator.weights.get(key);
      int moved = 0;
      for (int i = 0; i < GLOBAL.length; i++) {
        moved += rebuilt[i] != GLOBAL[i] ? 1 : 0;
      }
      assertThat(moved).as("a quarter of the " + GLOBAL.length + " parameters moved, the rest kept for the next round").isEqualTo(k);
    }
  }

  @Test
  void anInt8AssignmentIsSentTensorByTensorWithTheSmallTensorsInF32() throws Exception {
    Path data = blobData();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_Q8))) {
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(key) && agent.pendingUpdates().isEmpty());
      }
      var header = coordinator.accepted.get(key);
      assertThat(header.getEncoding()).isEqualTo(Encoding.ENCODING_Q8);
      // 4x32, 32, 32x32, 32, 32x3, 3: only the 32x32 weights are big enough to quantise
      assertThat(header.getTensorEncodingsList()).containsExactly(Encoding.ENCODING_F32, Encoding.ENCODING_F32, Encoding.ENCODING_Q8,
          Encoding.ENCODING_F32, Encoding.ENCODING_F32, Encoding.ENCODING_F32);
      assertThat(header.getTotalBytes()).isEqualTo(4L * (GLOBAL.length - 1024) + 1024 + 8);
      float[] w = coordinator.weights.get(key);
      assertThat(w).hasSize(GLOBAL.length);
      for (float v : w) {
        assertThat(v).isFinite();
      }
    }
  }

  @Test
  void anAssignmentPushedWhenTheRoundOpensIsTrainedAtOnceNotAtTheNextHeartbeat() throws Exception {
    Path data = blobData();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_F32))) {
      coordinator.heartbeatMs = 60_000;
      coordinator.roundOpen = false;
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        // the first heartbeat is acked without work; the next one is a minute away
        await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.heartbeats.size() == 1 && rttSamples(agent) == 1);
        coordinator.openRound();
        coordinator.push(); // the same assignment again, as a later ack would list it
        await().atMost(Duration.ofSeconds(45)).until(() -> coordinator.accepted.containsKey(key)
            && agent.pendingUpdates().isEmpty());
        assertThat(coordinator.heartbeats).as("trained on the push, no heartbeat in between").hasSize(1);
        assertThat(coordinator.downloadOffsets).as("the repeated push was recognised: trained once").containsExactly(0L);
        assertThat(coordinator.uploads.get()).isEqualTo(1);
        assertThat(rttSamples(agent)).as("a push echoes nothing: not an RTT sample").isEqualTo(1);
      }
    }
  }

  @Test
  void aPushedAssignmentThatLaterAcksListAgainIsTrainedOnce() throws Exception {
    Path data = blobData();
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_F32))) {
      coordinator.roundOpen = false;
      String key = coordinator.key(SITE);
      try (EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
        await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.heartbeats.size() >= 2);
        coordinator.openRound();
        // every ack from now on lists the assignment until its update is accepted
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(key)
            && agent.pendingUpdates().isEmpty());
        int beats = coordinator.heartbeats.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() > beats + 2);
        assertThat(coordinator.downloadOffsets).as("trained once").containsExactly(0L);
        assertThat(coordinator.uploads.get()).isEqualTo(1);
        assertThat(coordinator.duplicates.get()).isZero();
        assertThat(agent.meterRegistry().get("fedmesh_agent_rounds_trained_total").counter().count()).isEqualTo(1.0);
      }
    }
  }

  @Test
  void anAssignmentWithoutALearningRateIsRefusedByNameOnceAndNeverTrained() throws Exception {
    Path data = blobData();
    TrainAssignment noRate = assignment(Encoding.ENCODING_F32).toBuilder()
        .setLocal(LocalTraining.newBuilder().setEpochs(4).setBatchSize(16).setOptimizer("sgd")).build();
    List<ILoggingEvent> refusals = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("refusing it")) {
          refusals.add(e);
        }
      }
    };
    Logger runnerLog = (Logger) LoggerFactory.getLogger(AssignmentRunner.class);
    appender.start();
    runnerLog.addAppender(appender);
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, noRate);
        EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !refusals.isEmpty());
      assertThat(refusals.get(0).getFormattedMessage())
          .isEqualTo("site site-a: assignment default/blobs/1/site-a: local.learning_rate must be > 0 (got 0.0); refusing it");
      // every later ack lists it again: it stays refused, with no second log line
      int beats = coordinator.heartbeats.size();
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.heartbeats.size() > beats + 3);
      assertThat(refusals).hasSize(1);
      assertThat(coordinator.downloadOffsets).as("never downloads a model to train with a made-up rate").isEmpty();
      assertThat(coordinator.uploads.get()).isZero();
      assertThat(agent.state()).isEqualTo(SiteState.SITE_STATE_READY);
    } finally {
      runnerLog.detachAppender(appender);
    }
  }

  private static long rttSamples(EdgeAgent agent) {
    return agent.meterRegistry().get("fedmesh_agent_heartbeat_rtt_ms").summary().count();
  }

  @Test
  void badDataKeepsTheSiteDegradedWithFileLineAndColumnAndAFixedFileRecoversIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path csv = data.resolve("readings.csv");
    Files.writeString(csv, "a,b,c,d,label\n0.1,0.2,0.3,0.4,0\n0.5,oops,0.7,0.8,1\n");
    try (TestCoordinator coordinator = TestCoordinator.start(0, SPEC, GLOBAL, assignment(Encoding.ENCODING_F32));
        EdgeAgent agent = new EdgeAgent(config(coordinator.port(), data)).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.lastHeartbeat() != null
          && coordinator.lastHeartbeat().getState() == SiteState.SITE_STATE_DEGRADED);
      assertThat(coordinator.lastHeartbeat().getMessage())
          .contains("readings.csv line 3, column 'b': 'oops'");
      assertThat(agent.state()).isEqualTo(SiteState.SITE_STATE_DEGRADED);

      // three feature columns for a model with four inputs: still Degraded, with the reason
      Files.writeString(csv, "a,b,c,label\n0.1,0.2,0.3,0\n0.5,0.6,0.7,1\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.lastHeartbeat().getMessage().contains("3 feature columns"));
      assertThat(coordinator.lastHeartbeat().getMessage()).contains("expects 4");
      // a class index the model's output cannot hold
      Files.writeString(csv, "a,b,c,d,label\n0.1,0.2,0.3,0.4,0\n0.5,0.6,0.7,0.8,7\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.lastHeartbeat().getMessage().contains("up to 7"));
      assertThat(coordinator.lastHeartbeat().getState()).isEqualTo(SiteState.SITE_STATE_DEGRADED);
      assertThat(coordinator.downloadOffsets).as("never trains on unusable data").isEmpty();
      assertThat(coordinator.uploads.get()).isZero();

      CsvDatasetWriter.write(csv, Blobs.of(120, 4), "label");
      await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.accepted.containsKey(coordinator.key(SITE)));
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.lastHeartbeat().getState() == SiteState.SITE_STATE_READY
          && coordinator.lastHeartbeat().getMessage().isEmpty());
      assertThat(coordinator.accepted.get(coordinator.key(SITE)).getSamples()).isEqualTo(120);
    }
  }
}
