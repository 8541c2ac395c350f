package io.fedmesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.seed makes a run repeatable: two runs of the same training, each on a fresh API server and
 * operator (so every uid differs), start from the same initial model, select the same sites each
 * round and send the sites the same seed; another seed starts from another model.
 */
class SeededRunMockTest {
  static final List<String> SITES = List.of("site-a", "site-b", "site-c", "site-d", "site-e");

  @TempDir Path tmp;

  /** What a run shows of its randomness. */
  record Run(float[] initialModel, List<List<String>> selections, Map<Integer, Long> siteSeeds) {}

  @Test
  void theSameSeedGivesTheSameInitialModelAndSelectionAndAnotherSeedAnotherModel() throws Exception {
    Run first = run(7L, "first");
    Run second = run(7L, "second");
    assertThat(second.initialModel()).as("initial model").containsExactly(first.initialModel());
    assertThat(second.selections()).as("sites selected each round").isEqualTo(first.selections());
    assertThat(first.selections()).as("fraction 0.4 of 5 sites").allSatisfy(s -> assertThat(s).hasSize(2));
    assertThat(first.siteSeeds()).as("each assignment carries the training's seed").containsOnlyKeys(1, 2, 3, 4)
        .allSatisfy((round, seed) -> assertThat(seed).isEqualTo(7L));

    Run other = run(8L, "other");
    assertThat(other.initialModel()).as("another seed, another initial model").isNotEqualTo(first.initialModel());
  }

  Run run(long seed, String dir) throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    List<TestLearner> learners = new ArrayList<>();
    int port = FederationMockTest.freePort();
    try (KubernetesClient client = server.createClient()) {
      CrdFixtures.install(client);
      try (FedmeshOperator operator = FedmeshOperator.start(client, CrdFixtures.config(tmp.resolve(dir), port, Duration.ofMillis(200),
          Duration.ofSeconds(5)))) {
        for (String site : SITES) {
          learners.add(new TestLearner(site, port, 0.25f, 100));
        }
        // selection ranks the eligible sites: all must be Ready before the training starts
        await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
            .stream().filter(s -> s.getStatus() != null && s.getStatus().phase == EdgeSiteStatus.Phase.Ready).count() == SITES.size());
        CrdFixtures.model(client, "m");
        client.resource(training(seed)).create();
        var resource = client.resources(FederatedTraining.class).inNamespace("default").withName("seeded");
        await().atMost(Duration.ofSeconds(30)).until(() -> resource.get().getStatus() != null
            && resource.get().getStatus().phase == FederatedTrainingStatus.Phase.Succeeded);
        List<List<String>> selections = resource.get().getStatus().history.stream().map(h -> h.participants).toList();
        float[] initial = learners.stream().map(l -> l.downloaded.get(1)).filter(w -> w != null).findFirst().orElseThrow();
        Map<Integer, Long> seeds = new HashMap<>();
        learners.forEach(l -> seeds.putAll(l.localSeeds));
        return new Run(initial, selections, seeds);
      } finally {
        learners.forEach(TestLearner::close);
      }
    } finally {
      server.destroy();
    }
  }

  static FederatedTraining training(long seed) {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("seeded").withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = 4;
    s.seed = seed;
    s.participants.minSites = 1;
    s.participants.fraction = 0.4;
    s.roundDeadline.initialSeconds = 30;
    ft.setSpec(s);
    return ft;
  }
}
