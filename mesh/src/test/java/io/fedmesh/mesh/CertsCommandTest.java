package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.grpc.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fedmesh certs` as a user runs it: init, issue per kind, renew in place, list, and the refusals. */
class CertsCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run fedmesh(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      var cli = FedmeshCli.commandLine();
      cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      int code = cli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void initIssueRenewAndListAMeshPki() throws Exception {
    String ca = dir.resolve("ca").toString();
    assertThat(fedmesh("certs", "init", "--ca-dir", ca).code()).isZero();
    Run again = fedmesh("certs", "init", "--ca-dir", ca);
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("a mesh keeps one CA");

    Run op = fedmesh("certs", "issue", "--ca-dir", ca, "--operator", "--namespace", "fedmesh", "--host", "fedmesh-coordinator.fedmesh.svc",
        "--out", dir.resolve("operator").toString());
    assertThat(op.code()).isZero();
    assertThat(op.out()).contains("spiffe://fedmesh.io/ns/fedmesh/operator");
    assertThat(fedmesh("certs", "issue", "--ca-dir", ca, "--site", "clinic-7", "--namespace", "fedmesh", "--out",
        dir.resolve("clinic-7").toString()).code()).isZero();
    TlsFiles.fromDirectory(dir.resolve("clinic-7")); // the layout --tls-dir takes
    String before = Files.readString(dir.resolve("clinic-7/tls.crt"));
    assertThat(fedmesh("certs", "renew", "--ca-dir", ca, dir.resolve("clinic-7").toString()).code()).isZero();
    assertThat(Files.readString(dir.resolve("clinic-7/tls.crt"))).isNotEqualTo(before);

    Run list = fedmesh("certs", "list", "--ca-dir", ca);
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("spiffe://fedmesh.io/ns/fedmesh/site/clinic-7").contains("superseded").contains("valid")
        .contains("hosts fedmesh-coordinator.fedmesh.svc");
    assertThat(list.out().lines().filter(l -> l.contains("clinic-7"))).hasSize(2);
  }

  @Test
  void aBadSiteNameOrAMissingCaSaysWhatToDo() {
    Run noCa = fedmesh("certs", "issue", "--ca-dir", dir.resolve("none").toString(), "--site", "a", "--out", dir.resolve("a").toString());
    assertThat(noCa.code()).isEqualTo(2);
    assertThat(noCa.err()).contains("fedmesh certs init");
    fedmesh("certs", "init", "--ca-dir", dir.resolve("ca").toString());
    Run bad = fedmesh("certs", "issue", "--ca-dir", dir.resolve("ca").toString(), "--site", "Clinic_7", "--out", dir.resolve("b").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("site name 'Clinic_7' is not a DNS-1123 label");
  }
}
