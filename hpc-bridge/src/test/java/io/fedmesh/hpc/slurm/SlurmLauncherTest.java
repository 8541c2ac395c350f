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

  @Test
  void parsesEndedJobArrayElementsFromScontrol() {
    var m = SlurmPoller.parseScontrol("""
        JobId=56 ArrayJobId=55 ArrayTaskId=0 JobName=fedmesh-x UserId=root(0) JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:01
        JobId=57 ArrayJobId=55 ArrayTaskId=1 JobName=fedmesh-x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0
        JobId=58 ArrayJobId=55 ArrayTaskId=2 JobName=fedmesh-x UserId=root(0) JobState=CANCELLED Reason=None ExitCode=0:15
        JobId=55 ArrayJobId=55 ArrayTaskId=3-7 JobName=fedmesh-x UserId=root(0) JobState=PENDING Reason=Resources ExitCode=0:0
        """);
    assertThat(m).containsOnlyKeys("55_0", "55_1", "55_2");
    assertThat(m.get("55_0")[0]).isZero();
    assertThat(m.get("55_1")[0]).isEqualTo(2);
    assertThat(m.get("55_2")[0]).isEqualTo(-1);
  }

  @Test
  void sumsSinfoLinesPerPartition() {
    var parts = SlurmCluster.parsePartitions("""
        compute*|8/24/0/32|2|mixed|(null)
        compute*|0/32/0/32|2|idle|(null)
        gpu|4/4/0/8|1|mixed|gpu:a100:4(S:0-1)
        gpu|0/8/0/8|1|idle|gpu:a100:4(S:0-1)
        gpu|0/0/8/8|1|down*|gpu:a100:4
        """);
    assertThat(parts.keySet()).containsExactly("compute", "gpu");
    var compute = parts.get("compute").build();
    assertThat(compute.getTotalCpus()).isEqualTo(64);
    assertThat(compute.getFreeCpus()).isEqualTo(56);
    assertThat(compute.getNodes()).isEqualTo(4);
    assertThat(compute.getIdleNodes()).isEqualTo(2);
    var gpu = parts.get("gpu").build();
    assertThat(gpu.getTotalGpus()).isEqualTo(12);
    assertThat(gpu.getFreeGpus()).as("GPUs on idle nodes").isEqualTo(4);
    assertThat(gpu.getState()).isEqualTo("partly down");
    assertThat(SlurmCluster.gpus("gpu:2,gpu:v100:1")).isEqualTo(3);
  }
}
