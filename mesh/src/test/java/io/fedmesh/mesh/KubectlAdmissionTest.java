package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the embedded API server: `kubectl apply` of an invalid
 * FederatedTraining is refused naming the field, an unknown field is refused under kubectl's
 * strict field validation, and a valid one is stored with its defaults. Skipped, saying why, only
 * when kubectl is not on PATH and CI is not true (CI must have it).
 */
class KubectlAdmissionTest {
  private static EmbeddedCluster cluster;
  private static String kubectl;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    kubectl = onPath("kubectl");
    if (kubectl == null && !"true".equals(System.getenv("CI"))) {
      System.out.println("KubectlAdmissionTest skipped: kubectl is not on PATH (and CI is not true)");
    }
    Assumptions.assumeTrue(kubectl != null || "true".equals(System.getenv("CI")), "kubectl is not on PATH");
    assertThat(kubectl).as("CI=true needs kubectl on PATH").isNotNull();
    cluster = EmbeddedCluster.start();
    Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: embedded, cluster: {server: "%s"}}]
        users: [{name: local, user: {token: local}}]
        contexts: [{name: embedded, context: {cluster: embedded, user: local, namespace: default}}]
        current-context: embedded
        """.formatted(cluster.url()));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  record Run(int exit, String output) {}

  private static Run kubectl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", dir.resolve("kubeconfig").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("kubectl %s finished within 60 s: %s", String.join(" ", args), out).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static Path manifest(String name, String spec) throws Exception {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, """
        apiVersion: fedmesh.io/v1alpha1
        kind: FederatedTraining
        metadata:
          name: %s
        spec:
          modelRef: m
          rounds: 5
          strategy: {type: FedAvg}
          participants: {minSites: 2}
        %s""".formatted(name, spec.indent(2)));
    return f;
  }

  @Test
  void applyOfANegativeDeadlineIsRefusedNamingTheField() throws Exception {
    Run run = kubectl("apply", "-f", manifest("negative-deadline", "roundDeadline: {initialSeconds: -5}").toString());
    assertThat(run.exit()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("is invalid")
        .contains("spec.roundDeadline.initialSeconds: Invalid value: -5: spec.roundDeadline.initialSeconds in body should be greater than or equal to 1");
    assertThat(kubectl("get", "federatedtrainings", "negative-deadline").exit()).as("nothing stored").isNotZero();
  }

  @Test
  void applyOfAnUnknownFieldIsRefusedUnderStrictValidation() throws Exception {
    Run run = kubectl("apply", "-f", manifest("unknown-field", "foo: 1").toString());
    assertThat(run.exit()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("strict decoding error: unknown field \"spec.foo\"");
  }

  @Test
  void applyOfAValidTrainingStoresItsDefaultsAndAReapplyPatchesIt() throws Exception {
    Path f = manifest("valid", "roundDeadline: {initialSeconds: 30}");
    Run run = kubectl("apply", "-f", f.toString());
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(kubectl("get", "ft", "valid", "-o", "jsonpath={.spec.roundDeadline.maxRetries}").output()).isEqualTo("3");

    // a re-apply is a merge patch: judged on the object it would store
    Files.writeString(f, Files.readString(f).replace("initialSeconds: 30", "initialSeconds: 0"));
    Run refused = kubectl("apply", "-f", f.toString());
    assertThat(refused.exit()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("spec.roundDeadline.initialSeconds");
    assertThat(kubectl("get", "ft", "valid", "-o", "jsonpath={.spec.roundDeadline.initialSeconds}").output()).isEqualTo("30");
  }
}
