package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BufferedAsync end to end: the operator against the mock API server (CRUD), learners speaking the
 * coordinator protocol over loopback sockets. Each learner moves every weight halfway to 0.25, so
 * every version can be recomputed from the checkpoints of the versions before it, the staleness
 * and the fold weights its record names.
 */
class BufferedAsyncMockTest extends MockOperatorTest {

  int port;

  private void start(List<String> sites) throws Exception {
    port = FederationMockTest.freePort();
    operator = FedmeshOperator.start(client, CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(3)));
    CrdFixtures.model(client, "m");
    for (String s : sites) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems().stream()
        .filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == sites.size());
  }

  private void create(String name, int versions, int bufferSize, int maxStaleness, int deadlineSeconds) {
    create(name, versions, bufferSize, maxStaleness, deadlineSeconds, spec -> { });
  }

  private void create(String name, int versions, int bufferSize, int maxStaleness, int deadlineSeconds,
      java.util.function.Consumer<FederatedTrainingSpec> more) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    ft.getSpec().rounds = versions;
    ft.getSpec().strategy.type = FederatedTrainingSpec.Strategy.Type.BufferedAsync;
    ft.getSpec().strategy.bufferedAsync = new FederatedTrainingSpec.BufferedAsync();
    ft.getSpec().strategy.bufferedAsync.bufferSize = bufferSize;
    ft.getSpec().strategy.bufferedAsync.maxStaleness = maxStaleness;
    ft.getSpec().roundDeadline.initialSeconds = deadlineSeconds;
    ft.getSpec().roundDeadline.adaptive = false;
    more.accept(ft.getSpec());
    client.resource(ft).create();
  }

  @Test
  void aStaleUpdateIsRefusedByNameAndEveryVersionIsTheStalenessWeightedFold() throws Exception {
    start(List.of("site-a", "site-b", "site-c", "site-s"));
    TestLearner slow = learners.get(3);
    slow.withhold = true; // trains version 0, keeps the update until the run is two versions further
    create("buff", 40, 2, 1, 30);
    await().atMost(Duration.ofSeconds(30)).until(() -> status("buff") != null && status("buff").round != null && status("buff").round >= 3);
    slow.withhold = false;
    await().atMost(Duration.ofSeconds(60)).until(() -> status("buff").phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status("buff");
    assertThat(st.round).isEqualTo(40);
    assertThat(st.modelVersion).isEqualTo("buff-r40");
    assertThat(slow.refusals).anySatisfy(r -> assertThat(r).contains("site site-s").contains("buff-r0")
        .contains("spec.strategy.bufferedAsync.maxStaleness is 1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "UpdateRefused".equals(e.getReason()) && e.getMessage().contains("site site-s")
            && e.getMessage().contains("maxStaleness")));
    assertThat(st.bufferedAsync.staleRefused).isGreaterThanOrEqualTo(1);
    assertThat(st.bufferedAsync.foldedUpdates).isEqualTo(st.history.stream().mapToLong(h -> h.participants.size()).sum());
    assertThat(st.bufferedAsync.stalenessMax).isLessThanOrEqualTo(1);
    assertThat(st.bufferedAsync.versionsPerMinute).isPositive();
    assertThat(st.history).hasSize(40);
    CheckpointStore store = new CheckpointStore(checkpoints);
    float[] initial = learners.get(0).downloaded.get(1);
    for (RoundRecord h : st.history) {
      // K, the first to arrive, and any that waiting longer would take past maxStaleness
      assertThat(h.participants).hasSizeGreaterThanOrEqualTo(2);
      h.staleness.forEach((site, s) -> assertThat(s).as("%s in version %d", site, h.round).isLessThanOrEqualTo(1));
      assertThat(h.staleness.keySet()).containsExactlyInAnyOrderElementsOf(h.participants);
      float[] before = h.round == 1 ? initial : store.load("default", "buff", "buff-r" + (h.round - 1)).orElseThrow();
      float[] after = store.load("default", "buff", "buff-r" + h.round).orElseThrow();
      double[] expected = new double[after.length];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = before[i];
      }
      for (String site : h.participants) {
        int s = h.staleness.get(site);
        double share = 1.0 / h.participants.size() / Math.sqrt(1 + s); // equal samples: 1/n of the buffer, damped
        assertThat(h.foldWeights.get(site)).isCloseTo(share, within(1e-4));
        int baseVersion = h.round - 1 - s;
        float[] base = baseVersion == 0 ? initial : store.load("default", "buff", "buff-r" + baseVersion).orElseThrow();
        for (int i = 0; i < expected.length; i++) {
          expected[i] += share * 0.5 * (0.25 - base[i]); // the learner's change: halfway from its base to 0.25
        }
      }
      for (int i = 0; i < after.length; i++) {
        assertThat((double) after[i]).as("version %d weight %d", h.round, i).isCloseTo(expected[i], within(1e-5));
      }
    }
    // whether the slow site gets into a later version is a race with three instant learners for two
    // places (CI saw it lose all 37), so it is not asserted; its refusal and every fold are
  }

  @Test
  void aStaleTopKUpdateIsAppliedToTheVersionItWasTrainedFromReadFromItsCheckpoint() throws Exception {
    start(List.of("site-a", "site-s"));
    TestLearner slow = learners.get(1);
    slow.withhold = true; // trains version 0 and sends it only once site-a has folded newer ones
    create("sparse-async", 20, 1, 100, 30, spec -> {
      spec.wan = new FederatedTrainingSpec.WanPolicy();
      spec.wan.compression = FederatedTrainingSpec.WanPolicy.Compression.TOPK;
      spec.wan.topkFraction = 0.5;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> status("sparse-async") != null && status("sparse-async").round != null
        && status("sparse-async").round >= 2);
    TestLearner fast = learners.get(0);
    fast.pause(); // the next version can only come from site-s's update: it cannot lose the race to the end of the run
    slow.withhold = false;
    await().atMost(Duration.ofSeconds(30)).until(() -> status("sparse-async").history.stream()
        .anyMatch(h -> h.participants.contains("site-s")));
    fast.resume();
    await().atMost(Duration.ofSeconds(60)).until(() -> status("sparse-async").phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status("sparse-async");
    // (an upload racing the end of the run may find its assignment withdrawn: that refusal is not about the base)
    assertThat(slow.refusals).as("its base was older than the published model, and held")
        .noneMatch(r -> r.contains("base") || r.contains("top-k") || r.contains("checkpointed"));
    RoundRecord late = st.history.stream().filter(h -> h.participants.contains("site-s") && h.staleness.get("site-s") >= 2)
        .findFirst().orElseThrow(() -> new AssertionError("site-s was never folded 2 or more versions late: " + st.history));
    assertThat(late.encodings.get("site-s")).startsWith("topk 50% (8 of 17 values), 64 bytes");
    // every version is the staleness-weighted fold of each site's top-k change from its own base
    CheckpointStore store = new CheckpointStore(checkpoints);
    float[] before = store.load("default", "sparse-async", "sparse-async-r" + (late.round - 1)).orElseThrow();
    float[] after = store.load("default", "sparse-async", "sparse-async-r" + late.round).orElseThrow();
    double[] expected = new double[after.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = before[i];
    }
    for (String site : late.participants) {
      int s = late.staleness.get(site);
      double share = 1.0 / late.participants.size() / Math.sqrt(1 + s);
      float[] base = store.load("default", "sparse-async", "sparse-async-r" + (late.round - 1 - s)).orElseThrow();
      float[] change = topKChange(base, 8);
      for (int i = 0; i < expected.length; i++) {
        expected[i] += share * change[i];
      }
    }
    for (int i = 0; i < after.length; i++) {
      assertThat((double) after[i]).as("version %d weight %d", late.round, i).isCloseTo(expected[i], within(1e-5));
    }
  }

  /** What a learner sends from {@code base}: the k largest of its change halfway to 0.25, zero elsewhere. */
  static float[] topKChange(float[] base, int k) {
    float[] delta = new float[base.length];
    for (int i = 0; i < base.length; i++) {
      delta[i] = (base[i] + 0.5f * (0.25f - base[i])) - base[i];
    }
    float[] kept = new float[base.length];
    io.fedmesh.common.codec.SparseDelta.addTo(kept, io.fedmesh.common.codec.SparseDelta.encode(delta, k), k);
    return kept;
  }

  @Test
  void aSiteThatLeavesMidRunBlocksNothing() throws Exception {
    start(List.of("site-a", "site-b", "site-c"));
    int versions = 30; // enough that the run is still going when the site leaves, however busy the machine
    create("leave", versions, 3, 2, 120); // a deadline far longer than the test: only the site's absence may end a buffer early
    await().atMost(Duration.ofSeconds(30)).until(() -> status("leave") != null && status("leave").round != null
        && status("leave").round >= 1);
    learners.get(2).close(); // site-c leaves, its assignment open
    int leftAt = status("leave").round;
    assertThat(leftAt).as("the site left while versions were still to come").isLessThan(versions - 2);
    await().atMost(Duration.ofSeconds(60)).until(() -> status("leave").phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status("leave");
    assertThat(st.round).isEqualTo(versions);
    // the version in progress when it left may still hold its update; every later one folds without it, early
    List<RoundRecord> after = st.history.stream().filter(h -> h.round > leftAt + 1).toList();
    assertThat(after).isNotEmpty().allSatisfy(h -> {
      assertThat(h.participants).as("version %d", h.round).containsExactly("site-a", "site-b");
      assertThat(h.seconds).as("version %d folded without waiting for its deadline", h.round).isLessThan(60.0);
      assertThat(h.staleness).containsOnlyKeys("site-a", "site-b");
    });
  }

  @Test
  void bufferedUpdatesSurviveARestartOfTheOperator() throws Exception {
    int port = FederationMockTest.freePort();
    OperatorConfig config = CrdFixtures.config(checkpoints, port, Duration.ofMillis(200), Duration.ofSeconds(10));
    operator = FedmeshOperator.start(client, config);
    CrdFixtures.model(client, "m");
    for (String s : List.of("site-a", "site-b", "site-c")) {
      learners.add(new TestLearner(s, port, 0.25f, 100));
    }
    TestLearner a = learners.get(0);
    TestLearner b = learners.get(1);
    TestLearner c = learners.get(2);
    c.withhold = true; // the buffer holds two of three when the operator goes
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems().stream()
        .filter(e -> e.getStatus() != null && e.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == 3);
    create("restart", 1, 3, 2, 120);
    await().atMost(Duration.ofSeconds(30)).until(() -> accepted(a) && accepted(b));
    Path round1 = checkpoints.resolve("default/restart/inbox/round-1");
    assertThat(round1.resolve("site-a.update")).exists();
    assertThat(round1.resolve("site-b.update")).exists();
    a.withhold = true; // asked again, they would not deliver: only the persisted updates can count
    b.withhold = true;
    operator.close();
    operator = FedmeshOperator.start(client, config);
    c.withhold = false;
    await().atMost(Duration.ofSeconds(60)).until(() -> status("restart").phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status("restart");
    assertThat(st.history).singleElement().satisfies(h -> {
      assertThat(h.participants).containsExactly("site-a", "site-b", "site-c");
      assertThat(h.staleness).containsOnly(Map.entry("site-a", 0), Map.entry("site-b", 0), Map.entry("site-c", 0));
    });
    assertThat(a.assignmentsSeen.get()).as("site-a was not asked again after the restart").isEqualTo(1);
    assertThat(b.assignmentsSeen.get()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "UpdatesRecovered".equals(e.getReason()) && e.getMessage().contains("site-a@restart-r0")));
  }

  @Test
  void aBoostedUpdateIsRefusedByTheNormBoundOnItsChangeFromItsOwnBase() throws Exception {
    start(List.of("site-a", "site-b", "site-c", "site-x"));
    learners.get(3).tamper = TestLearner.Tamper.SCALED; // passes admission; only the norm bound sees it
    create("bound", 4, 3, 5, 30);
    await().atMost(Duration.ofSeconds(60)).until(() -> status("bound") != null
        && status("bound").phase == FederatedTrainingStatus.Phase.Succeeded);
    FederatedTrainingStatus st = status("bound");
    assertThat(st.history).hasSize(4).allSatisfy(h -> assertThat(h.participants).doesNotContain("site-x"));
    assertThat(st.history.stream().filter(h -> h.refused != null).flatMap(h -> h.refused.stream()))
        .anySatisfy(r -> {
          assertThat(r.site).isEqualTo("site-x");
          assertThat(r.reason).contains("update norm").contains("the model it trained from").contains("3 x the round's median");
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "UpdateRefused".equals(e.getReason()) && e.getMessage().contains("site site-x")
            && e.getMessage().contains("update norm")));
  }

  @Test
  void aRunWhoseSitesAllVanishWaitsForSitesAndGoesOnWhenTheyJoin() throws Exception {
    start(List.of("site-a", "site-b"));
    create("vanish", 50, 2, 2, 120);
    await().atMost(Duration.ofSeconds(30)).until(() -> status("vanish") != null && status("vanish").round != null
        && status("vanish").round >= 1);
    learners.forEach(l -> l.withhold = true); // they stop delivering, then go
    learners.forEach(TestLearner::close);
    await().atMost(Duration.ofSeconds(30)).until(() -> status("vanish").conditions.stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "NoEligibleSites".equals(c.getReason())));
    int reached = status("vanish").round;
    assertThat(status("vanish").phase).isEqualTo(FederatedTrainingStatus.Phase.Running);
    learners.add(new TestLearner("site-a", port, 0.25f, 100)); // they come back as new processes
    learners.add(new TestLearner("site-b", port, 0.25f, 100));
    await().atMost(Duration.ofSeconds(60)).until(() -> status("vanish").phase == FederatedTrainingStatus.Phase.Succeeded);
    assertThat(status("vanish").round).isEqualTo(50).isGreaterThan(reached);
  }

  private static boolean accepted(TestLearner l) {
    return l.responses.stream().anyMatch(r -> r.getAccepted() && !r.getDuplicate());
  }
}
