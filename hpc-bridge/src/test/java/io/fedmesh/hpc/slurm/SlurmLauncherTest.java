package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlurmLauncherTest {
  @Test
  void sacctLinesBecomeExitCodes() {
    var m = SlurmLauncher.parseSacct("""
        12|COMPLETED|0:0
        12.batch|COMPLETED|0:0
        13|FAILED|3:0
        14|CANCELLED by 0|0:0
        15|RUNNING|0:0
        16|TIMEOUT|0:1
        """);
    assertThat(m.get("12")[0]).isZero();
    assertThat(m.get("13")[0]).isEqualTo(3);
    assertThat(m.get("14")[0]).isEqualTo(-1);
    assertThat(m.get("16")[0]).isEqualTo(-1);
    assertThat(m).doesNotContainKeys("15", "12.batch");
  }

  @Test
  void commandsAreQuotedForTheShell() {
    assertThat(SlurmLauncher.shellQuote(List.of("sh", "-c", "echo it's; exit 3"))).isEqualTo("'sh' '-c' 'echo it'\\''s; exit 3'");
  }
}
