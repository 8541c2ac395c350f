package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local mesh for real: embedded API server, operator, edge agents as separate JVMs with DJL,
 * gRPC over loopback through the netcrusher WAN proxies. An integration test (failsafe, after
 * packaging): the agents run on this JVM's java.class.path, which failsafe sets to the packaged
 * jar and its dependencies.
 */
class LocalMeshIT {
  @TempDir Path tmp;

  static int run(String... args) {
    return FedmeshCli.commandLine().execute(args);
  }

  @Test
  void trainingSucceedsAfterASiteIsKilledMidRun() throws Exception {
    Path out = tmp.resolve("out");
    int rc = run("local", "--sites", "3", "--rounds", "6", "--kill-site-after-round", "2", "--out", out.toString());
    assertThat(rc).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    List<String> keys = new ArrayList<>();
    summary.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("phase", "roundsCompleted", "metric", "centralBaseline", "serving", "history", "sites", "bytesMoved",
        "wallSeconds");
    // the run ended by querying a serving site over the Open Inference Protocol (mutual TLS)
    JsonNode serving = summary.get("serving");
    assertThat(serving.get("requests").asInt()).isGreaterThanOrEqualTo(100);
    assertThat(serving.get("version").asText()).startsWith("local-fedavg-r");
    assertThat(serving.get("accuracy").asDouble()).as("the served model classifies the test samples").isGreaterThan(0.8);
    assertThat(out.resolve("model").resolve("fedmesh-model.json")).as("the final version is exported").exists();
    if (serving.has("matchesExport")) { // the served version is the exported one: the same predictions
      assertThat(serving.get("matchesExport").asDouble()).isEqualTo(1.0);
    }
    assertThat(summary.get("centralBaseline").get("value").asDouble()).as("the pooled-data baseline learns the problem").isGreaterThan(0.8);
    assertThat(summary.get("phase").asText()).isEqualTo("Succeeded");
    assertThat(summary.get("roundsCompleted").asInt()).isEqualTo(6);
    assertThat(summary.at("/metric/name").asText()).isEqualTo("accuracy");
    // three balanced classes: chance is 1/3
    assertThat(summary.at("/metric/value").asDouble()).isGreaterThan(0.8);
    assertThat(summary.get("history")).hasSize(6);
    assertThat(summary.at("/history/0/participants").asInt()).isEqualTo(3);
    assertThat(summary.at("/history/5/participants").asInt()).isEqualTo(2);
    assertThat(summary.get("bytesMoved").asLong()).isPositive();
    List<String> phases = new ArrayList<>();
    summary.get("sites").forEach(s -> phases.add(s.get("name").asText() + "=" + s.get("phase").asText()));
    // the evaluator (the test set's agent) is a site too; it never trains, so it is in no round's count
    assertThat(phases).containsExactly("evaluator=Ready", "site-0=Ready", "site-1=Ready", "site-2=Offline");
    assertThat(out.resolve("report.html")).exists();
    assertThat(out.resolve("metric.png")).exists();
  }

  @Test
  void bufferedAsyncFinishesOnStragglersAsAccurateAsFedAvgWithTheSameSeed() throws Exception {
    Path sync = tmp.resolve("fedavg");
    Path async = tmp.resolve("async");
    assertThat(run("local", "--scenario", "stragglers", "--rounds", "6", "--out", sync.toString())).isZero();
    assertThat(run("local", "--scenario", "stragglers", "--strategy", "BufferedAsync", "--rounds", "12", "--out", async.toString()))
        .isZero();
    JsonNode fedavg = new ObjectMapper().readTree(sync.resolve("summary.json").toFile());
    JsonNode buffered = new ObjectMapper().readTree(async.resolve("summary.json").toFile());
    assertThat(buffered.get("phase").asText()).isEqualTo("Succeeded");
    assertThat(buffered.get("roundsCompleted").asInt()).isEqualTo(12);
    assertThat(fedavg.has("bufferedAsync")).isFalse();
    // 12 versions of 3 updates move about as many updates as 6 rounds of 4 sites (36 against 24)
    assertThat(buffered.at("/metric/value").asDouble()).as("BufferedAsync's final accuracy against FedAvg's")
        .isGreaterThanOrEqualTo(fedavg.at("/metric/value").asDouble() - 0.02);
    JsonNode progress = buffered.get("bufferedAsync");
    assertThat(progress.get("stalenessMax").asInt()).isLessThanOrEqualTo(5);
    assertThat(progress.get("versionsPerMinute").asDouble()).isPositive();
    int folded = 0;
    for (JsonNode h : buffered.get("history")) {
      int n = h.get("participants").asInt();
      assertThat(n).as("K = 3 a version, one more only when waiting would pass maxStaleness").isBetween(3, 4);
      assertThat(h.get("staleness").size()).isEqualTo(n);
      assertThat(h.get("foldWeights").size()).isEqualTo(n);
      folded += n;
    }
    assertThat(progress.get("foldedUpdates").asInt()).isEqualTo(folded);
  }

  @Test
  void aSimulationBurstOnTheBridgeFeedsACloudSideLearner() throws Exception {
    Path out = tmp.resolve("hpc");
    int rc = run("local", "--sites", "2", "--rounds", "10", "--hpc", "local", "--out", out.toString());
    assertThat(rc).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("phase").asText()).isEqualTo("Succeeded");
    JsonNode burst = summary.at("/bursts/0");
    assertThat(burst.get("tasks").asInt()).isEqualTo(8);
    assertThat(burst.get("succeeded").asInt()).isEqualTo(8);
    assertThat(burst.get("failed").asInt()).isZero();
    assertThat(burst.get("makespanSeconds").asDouble()).isPositive();
    assertThat(burst.get("utilization").asDouble()).isPositive();
    assertThat(burst.get("mode").asText()).isEqualTo("async");
    // the burst's samples trained at the cloud-side learner in the later rounds
    JsonNode history = summary.get("history");
    assertThat(history.get(history.size() - 1).get("participants").asInt()).isEqualTo(3);
    List<String> sites = new ArrayList<>();
    summary.get("sites").forEach(x -> sites.add(x.get("name").asText()));
    assertThat(sites).contains("hpc-sim");
    assertThat(out.resolve("timeline.png")).as("the report's timeline of rounds and burst tasks").exists();
    assertThat(Files.readString(out.resolve("report.html"))).contains("<h2>Bursts</h2>");
  }

  @Test
  void thePlumeProblemTrainsOnReferenceSimulationReadingsAndABurstOfTheSolverJoins() throws Exception {
    Path out = tmp.resolve("plume");
    int rc = run("local", "--problem", "plume", "--sites", "2", "--rounds", "10", "--hpc", "local", "--out", out.toString());
    assertThat(rc).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.get("phase").asText()).isEqualTo("Succeeded");
    assertThat(summary.at("/metric/name").asText()).isEqualTo("mse");
    assertThat(summary.at("/metric/value").asDouble()).isFinite().isPositive();
    JsonNode burst = summary.at("/bursts/0");
    assertThat(burst.get("succeeded").asInt()).isEqualTo(8);
    assertThat(burst.get("producedSamples").asLong()).as("8 runs of the built-in solver x 150 readings").isEqualTo(1200);
    JsonNode history = summary.get("history");
    assertThat(history.get(history.size() - 1).get("participants").asInt()).as("hpc-sim trained too").isEqualTo(3);
    String header = Files.readAllLines(out.resolve("data/test.csv")).get(0);
    assertThat(header).isEqualTo("diffusivity,windX,windY,sourceX,sourceY,sourceStrength,sourceWidth,duration,x,y,t,label");
  }

  @Test
  void trainsOnTheUsersOwnRegressionCsvs() throws Exception {
    Path data = tmp.resolve("data");
    Random r = new Random(3);
    for (String name : List.of("site-0.csv", "site-1.csv", "test.csv")) {
      int n = 300;
      float[] x = new float[n * 3];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        for (int f = 0; f < 3; f++) {
          x[i * 3 + f] = (float) r.nextGaussian();
        }
        y[i] = 0.8f * x[i * 3] - 0.5f * x[i * 3 + 1] + 0.2f * x[i * 3 + 2] + 0.1f;
      }
      CsvDatasetWriter.write(data.resolve(name), new Dataset(Path.of(name), List.of("a", "b", "c"), n, 3, x, y, 0), "label");
    }
    Path out = tmp.resolve("out");
    int rc = run("local", "--data", data.toString(), "--task", "regression", "--rounds", "4", "--out", out.toString());
    assertThat(rc).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.at("/metric/name").asText()).isEqualTo("mse");
    // the label's variance is ~0.93: a model that learned nothing scores about that
    assertThat(summary.at("/metric/value").asDouble()).isLessThan(0.2);
    assertThat(summary.get("sites")).hasSize(3); // two learners and the evaluator
  }

  @Test
  void theUsersOwnTorchScriptModuleTrainsIsServedAndExported() throws Exception {
    // written by Debian's python3-torch; the operator checks it, the agents fetch it by digest and train it through DJL
    Path module = io.fedmesh.models.TorchScriptFixture.mlp(tmp, 8, 3);
    Path out = tmp.resolve("out");
    int rc = run("local", "--model", module.toString(), "--sites", "2", "--rounds", "4", "--out", out.toString());
    assertThat(rc).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(summary.at("/metric/value").asDouble()).isGreaterThan(0.9);
    assertThat(summary.at("/serving/requests").asInt()).isGreaterThanOrEqualTo(100);
    assertThat(summary.at("/serving/matchesExport").asDouble()).isEqualTo(1.0);
    assertThat(out.resolve("model/fedmesh-model.pt")).as("the export is the module with its trained weights").exists();
    try (Stream<Path> kept = Files.list(out.resolve("agents"))) {
      assertThat(kept.map(d -> d.resolve("torchscript")).filter(Files::isDirectory).count()).as("each agent fetched the file, the evaluator's too")
          .isEqualTo(3);
    }
  }
}
