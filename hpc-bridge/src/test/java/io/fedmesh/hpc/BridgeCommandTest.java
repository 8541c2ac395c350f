package io.fedmesh.hpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A wrong --applications file stops the bridge at start, naming the file, entry and field (nothing is served). */
class BridgeCommandTest {
  @TempDir Path tmp;

  int run(StringWriter err, String... args) {
    CommandLine cmd = new CommandLine(new BridgeCommand());
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void aWrongAllowlistFileIsAUsageErrorNamingTheEntry() throws Exception {
    Path file = Files.writeString(tmp.resolve("apps.yaml"), "applications:\n  plume:\n    executable: relative/plume\n");
    StringWriter err = new StringWriter();
    assertThat(run(err, "--backend", "local", "--work-dir", tmp.resolve("w").toString(), "--applications", file.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--applications " + file).contains("applications.plume")
        .contains("executable 'relative/plume' must be an absolute path");
    StringWriter missing = new StringWriter();
    assertThat(run(missing, "--backend", "local", "--applications", tmp.resolve("none.yaml").toString())).isEqualTo(2);
    assertThat(missing.toString()).contains("none.yaml");
  }
}
