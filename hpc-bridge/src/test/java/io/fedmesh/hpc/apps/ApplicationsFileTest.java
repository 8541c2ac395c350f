package io.fedmesh.hpc.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationsFileTest {
  @TempDir Path tmp;

  Path file(String yaml) throws Exception {
    return Files.writeString(tmp.resolve("applications.yaml"), yaml);
  }

  @Test
  void theAdminsFileAddsApplicationsBesideTheBuiltIn() throws Exception {
    ApplicationAllowlist list = ApplicationAllowlist.load(file("""
        applications:
          plume-custom:
            executable: /bin/echo
            args: ["--diffusivity={diffusivity}", "--out={output}"]
            env: {OMP_NUM_THREADS: "{threads}"}
            walltimeSeconds: 1800
        """), TestApplications.oneRank());
    assertThat(list.names()).containsExactly("advection-diffusion", "plume-custom");
    Application app = list.resolve("plume-custom");
    assertThat(app.defaultWalltimeSeconds()).isEqualTo(1800);
    assertThat(app.command(new TaskInvocation("t", 0, Map.of("diffusivity", 0.5), Map.of("threads", "2"), 1, 0,
        tmp.resolve("o.csv"), tmp))).containsExactly("/usr/bin/env", "OMP_NUM_THREADS=2", "/bin/echo", "--diffusivity=0.5",
        "--out=" + tmp.resolve("o.csv"));
    assertThat(list.resolve("").name()).as("empty names the built-in").isEqualTo("advection-diffusion");
    assertThat(list.source()).contains("--applications").contains("applications.yaml");
  }

  @Test
  void anUnknownApplicationIsRefusedNamingItAndWhereTheAllowlistLives() {
    ApplicationAllowlist list = ApplicationAllowlist.builtIn(TestApplications.oneRank());
    assertThatThrownBy(() -> list.resolve("bash")).isInstanceOf(UnknownApplicationException.class)
        .hasMessageContaining("application 'bash' is not in this bridge's allowlist")
        .hasMessageContaining("started without --applications FILE").hasMessageContaining("allowed: [advection-diffusion]");
  }

  @Test
  void aWrongFileStopsTheBridgeNamingTheEntryAndField() throws Exception {
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("applications:\n  a:\n    executable: /bin/echo\n    argz: []\n"),
        TestApplications.oneRank())).hasMessageContaining("applications.a.argz is not a known key");
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("applications:\n  a:\n    args: []\n"), TestApplications.oneRank()))
        .hasMessageContaining("applications.a.executable is required");
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("applications:\n  a:\n    executable: /nonexistent/sim\n"),
        TestApplications.oneRank())).hasMessageContaining("/nonexistent/sim is not an executable file on this host");
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("applications:\n  advection-diffusion:\n    executable: /bin/echo\n"),
        TestApplications.oneRank())).hasMessageContaining("cannot be redefined");
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("applications:\n  a:\n    executable: /bin/echo\n    args: [{x: 1}]\n"),
        TestApplications.oneRank())).hasMessageContaining("applications.a.args must hold strings");
    assertThatThrownBy(() -> ApplicationAllowlist.load(file("apps: {}\n"), TestApplications.oneRank()))
        .hasMessageContaining("expected one top-level key 'applications'");
  }
}
