package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedmesh.operator.FedmeshOperator;
import io.fedmesh.operator.OperatorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the embedded API server with the operator running, as a user drives
 * `./fedmesh local --keep-running`: version, apply of every example, get with the CRDs' columns,
 * get by category, describe with Events, explain from the CRD schema, delete.
 */
class KubectlIntegrationTest {
  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static FedmeshOperator operator;
  static LocalHpc hpc;
  static Path kubeconfig;

  record Result(int code, String out) {}

  @BeforeAll
  static void start() {
    boolean found = onPath("kubectl");
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("kubectl is not on the PATH, and CI must run the kubectl tests: install kubectl");
    }
    assumeTrue(found, "kubectl is not on the PATH: the kubectl tests are skipped");
    cluster = EmbeddedCluster.start();
    operator = FedmeshOperator.start(cluster.client(), OperatorConfig.local(dir.resolve("checkpoints")));
    kubeconfig = Kubeconfig.write(dir, cluster.kubectlUrl(), "default");
    // as `./fedmesh local --keep-running --hpc local`: the local bridge, its HpcCluster the default
    hpc = LocalHpc.start("local", dir.resolve("hpc"), null);
    hpc.applyCluster(cluster.client(), "default");
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (hpc != null) {
      hpc.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  static Result ok(String... args) throws IOException, InterruptedException {
    Result r = kubectl(args);
    assertThat(r.code()).as("kubectl " + String.join(" ", args) + ":\n" + r.out()).isZero();
    return r;
  }

  @Test
  void kubectlListsAppliesDescribesExplainsAndDeletesFedmeshResources() throws Exception {
    assertThat(ok("version").out()).contains("Server Version: v1.32.0-fedmesh-embedded");

    Result applied = ok("apply", "-f", Path.of("..", "examples").toString());
    assertThat(applied.out()).contains("distributedmodel.fedmesh.io/sensor-classifier created")
        .contains("federatedtraining.fedmesh.io/sensor-classifier-fedavg created").contains("edgesite.fedmesh.io/factory-berlin created")
        .contains("hpccluster.fedmesh.io/campus-hpc created").contains("simulationburst.fedmesh.io/plume-sweep created");
    assertThat(ok("apply", "-f", Path.of("..", "examples", "federatedtraining.yaml").toString()).out()).contains("unchanged");

    // the example burst names no cluster: it runs on the namespace's default, the local bridge
    await().atMost(Duration.ofSeconds(90)).until(() -> kubectl("get", "burst", "plume-sweep").out().contains("Succeeded"));
    assertThat(ok("get", "burst", "plume-sweep").out()).contains("local-hpc").contains("8/8");
    // a printer column with a JSONPath filter (.status.conditions[?(@.type=="Ready")].status)
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl("get", "hpc", "campus-hpc").out().contains("False"));
    assertThat(ok("get", "hpc", "local-hpc").out()).contains("True");

    // the printer columns of the CRDs, by the server, and short names and the category
    Result ft = ok("get", "ft");
    assertThat(ft.out().lines().findFirst().orElseThrow()).contains("NAME").contains("PHASE").contains("ROUND").contains("AGE");
    assertThat(ft.out()).contains("sensor-classifier-fedavg");
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl("get", "ft", "sensor-classifier-fedavg").out().contains("Pending"));
    assertThat(ok("get", "fedmesh").out()).contains("distributedmodel.fedmesh.io/sensor-classifier")
        .contains("federatedtraining.fedmesh.io/sensor-classifier-fedavg").contains("edgesite.fedmesh.io/factory-berlin");
    assertThat(ok("get", "dm", "sensor-classifier", "-o", "jsonpath={.spec.task}").out()).isEqualTo("classification");

    // describe shows the object and the operator's Events about it
    await().atMost(Duration.ofSeconds(30)).until(() -> !kubectl("describe", "ft", "sensor-classifier-fedavg").out()
        .contains("Events:  <none>"));
    Result described = ok("describe", "ft", "sensor-classifier-fedavg");
    assertThat(described.out()).contains("Name:         sensor-classifier-fedavg").contains("Model Ref:").contains("Events:");

    assertThat(ok("explain", "ft.spec.roundDeadline").out()).contains("KIND:       FederatedTraining").contains("initialSeconds");
    assertThat(ok("explain", "edgesite.status").out()).contains("phase");

    // a watch streams what changes: kubectl get -w prints the row again when the object changes
    Process watch = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "get", "dm", "sensor-classifier", "-w",
        "--request-timeout=30s").redirectErrorStream(true).start();
    try {
      java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).contains("NAME");
      assertThat(lines.readLine()).startsWith("sensor-classifier");
      ok("label", "dm", "sensor-classifier", "fedmesh.io/watched=yes");
      assertThat(lines.readLine()).as("the change, streamed").startsWith("sensor-classifier");
    } finally {
      watch.destroyForcibly();
    }

    assertThat(ok("delete", "-f", Path.of("..", "examples", "federatedtraining.yaml").toString()).out()).contains("deleted");
    Result gone = kubectl("get", "ft", "sensor-classifier-fedavg");
    assertThat(gone.code()).isNotZero();
    assertThat(gone.out()).contains("NotFound");
  }

  static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
