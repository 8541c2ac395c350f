package io.fedmesh.mesh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.DistributedModel;
import io.fedmesh.api.v1alpha1.DistributedModelSpec;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.common.grpc.HostPort;
import io.fedmesh.edge.AgentConfig;
import io.fedmesh.edge.EdgeAgent;
import io.fedmesh.mesh.EmbeddedCluster;
import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training longer than the status keeps (50 rounds), run by the real operator with a real agent
 * training with DJL on tiny data (one: DJL's PyTorch engine lets one trainer per JVM collect
 * gradients at a time): the record, summary.json and report.html have every round, and the
 * rounds' bytes add up to status.bytesMoved.
 */
class RunRecordMockTest {
  static final int ROUNDS = FederatedTrainingStatus.MAX_HISTORY + 6;

  @TempDir Path tmp;

  @Test
  void aRunLongerThanTheStatusHistoryKeepsEveryRoundAndItsBytes() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start();
        FedmeshOperator operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(tmp.resolve("ckpt")).withMetricsPort(0));
        EdgeAgent a = agent(operator, "site-a")) {
      KubernetesClient client = cluster.client();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(EdgeSite.class).inNamespace("default").list().getItems()
          .size() == 1);
      client.resource(model()).create();
      FederatedTraining last;
      try (RunRecord record = RunRecord.watching(client, "default", "long")) {
        client.resource(training()).create();
        var resource = client.resources(FederatedTraining.class).inNamespace("default").withName("long");
        // the phase, round and Ready message as seen: a timeout says where the run stood
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
          FederatedTrainingStatus st = resource.get().getStatus();
          return st == null ? "no status" : st.phase + " round " + st.round + ": "
              + (st.condition("Ready") == null ? "" : st.condition("Ready").getMessage());
        }, org.hamcrest.Matchers.either(org.hamcrest.Matchers.startsWith("Succeeded")).or(org.hamcrest.Matchers.startsWith("Failed")));
        last = resource.get();
        FederatedTrainingStatus st = last.getStatus();
        assertThat(st.phase).isEqualTo(FederatedTrainingStatus.Phase.Succeeded);
        assertThat(st.history).as("the status stays capped").hasSize(FederatedTrainingStatus.MAX_HISTORY);

        RunSummary summary = RunSummary.of(last, record, List.of(), 1.0);
        assertThat(record.missingRounds()).isEmpty();
        assertThat(record.rounds()).extracting(r -> r.round).containsExactlyElementsOf(IntStream.rangeClosed(1, ROUNDS).boxed().toList());
        assertThat(record.rounds()).allSatisfy(r -> {
          assertThat(r.bytes).isPositive();
          assertThat(r.siteMetrics).as("the site's own metric, as it reported it").containsOnlyKeys("site-a");
        });
        assertThat(record.bytes()).isEqualTo(st.bytesMoved);
        assertThat(summary.bytesMoved()).isEqualTo(st.bytesMoved);

        summary.write(tmp.resolve("summary.json"));
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("summary.json").toFile());
        assertThat(json.get("history")).hasSize(ROUNDS);
        assertThat(json.has("missingRounds")).isFalse();
        long sum = 0;
        for (JsonNode r : json.get("history")) {
          sum += r.get("bytes").asLong();
        }
        assertThat(sum).isEqualTo(json.get("bytesMoved").asLong());

        Path html = RunReport.write(tmp.resolve("report"), "long", summary, record.rounds());
        assertThat(Files.readString(html).split("<tr><td>" + ROUNDS + "</td>", -1)).as("the last round's row").hasSize(2);
        assertThat(Files.readString(html)).contains("<tr><td>1</td>");

        // the /metrics a local run serves agree with the record
        assertThat(io.fedmesh.mesh.Scrape.metrics(operator.metricsPort())).contains("fedmesh_rounds_total " + ROUNDS + ".0");
        assertThat(io.fedmesh.mesh.Scrape.metrics(a.metricsPort())).contains("fedmesh_agent_rounds_trained_total " + ROUNDS + ".0");
      }
    }
  }

  @Test
  void aRoundThatLeftTheStatusUnseenIsListedAsMissing() {
    RunRecord record = new RunRecord();
    record.observe(status(1, 2));
    record.observe(status(5, 6)); // rounds 3 and 4 were dropped by the cap between two looks
    assertThat(record.missingRounds()).containsExactly(3, 4);
    record.observe(status(3, 6)); // a later look that still has them fills the gap
    assertThat(record.missingRounds()).isEmpty();
    assertThat(record.bytes()).isEqualTo(10 * (1 + 2 + 3 + 4 + 5 + 6));
  }

  static FederatedTrainingStatus status(int from, int to) {
    FederatedTrainingStatus st = new FederatedTrainingStatus();
    st.history = IntStream.rangeClosed(from, to).mapToObj(i -> {
      RoundRecord r = new RoundRecord();
      r.round = i;
      r.bytes = 10L * i;
      return r;
    }).toList();
    return st;
  }

  EdgeAgent agent(FedmeshOperator operator, String site) throws Exception {
    Path data = Files.createDirectories(tmp.resolve(site));
    StringBuilder csv = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < 16; i++) {
      csv.append(i % 2 == 0 ? "0.1," : "0.9,").append(i / 16.0).append(',').append(i % 2).append('\n');
    }
    Files.writeString(data.resolve("train.csv"), csv);
    return new EdgeAgent(new AgentConfig(new HostPort("127.0.0.1", operator.coordinatorPort()), site, "", data, "label", null,
        "eu-west-1", Map.of(), tmp.resolve(site + "-work"), null, 0, 1, 512, 0)).start();
  }

  static DistributedModel model() {
    DistributedModel dm = new DistributedModel();
    dm.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("default").build());
    DistributedModelSpec s = new DistributedModelSpec();
    s.architecture = new DistributedModelSpec.Architecture();
    s.architecture.hiddenLayers = List.of(3);
    s.inputShape = List.of(2);
    s.outputShape = List.of(2);
    dm.setSpec(s);
    return dm;
  }

  static FederatedTraining training() {
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("long").withNamespace("default").build());
    FederatedTrainingSpec s = new FederatedTrainingSpec();
    s.modelRef = "m";
    s.rounds = ROUNDS;
    s.participants.minSites = 1;
    s.roundDeadline.initialSeconds = 30;
    ft.setSpec(s);
    return ft;
  }
}
