package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlurmTextTest {
  @Test
  void sacctLinesBecomeExitCodes() {
    var m = SlurmText.exitCodes("""
        12|COMPLETED|0:0
        12.batch|COMPLETED|0:0
        13|FAILED|3:0
        14|CANCELLED by 0|0:0
        15|RUNNING|0:0
        16|TIMEOUT|0:1
        17|OUT_OF_MEMORY|?:?
        18|PENDING|0:0
        """);
    assertThat(m).containsOnlyKeys("12", "13", "14", "16", "17");
    assertThat(m.get("12")).isZero();
    assertThat(m.get("13")).isEqualTo(3);
    assertThat(m.get("14")).as("cancelled without a code").isEqualTo(-1);
    assertThat(m.get("16")).isEqualTo(-1);
    assertThat(m.get("17")).as("an unreadable code").isEqualTo(-1);
  }

  @Test
  void parsesEndedJobArrayElementsFromScontrol() {
    var m = SlurmText.arrayExitCodes("""
        JobId=56 ArrayJobId=55 ArrayTaskId=0 JobName=fedmesh-x UserId=root(0) JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:01
        JobId=57 ArrayJobId=55 ArrayTaskId=1 JobName=fedmesh-x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0
        JobId=58 ArrayJobId=55 ArrayTaskId=2 JobName=fedmesh-x UserId=root(0) JobState=CANCELLED Reason=None ExitCode=0:15
        JobId=59 ArrayJobId=55 ArrayTaskId=8 JobName=fedmesh-x UserId=root(0) JobState=RUNNING Reason=None ExitCode=0:0
        JobId=55 ArrayJobId=55 ArrayTaskId=3-7 JobName=fedmesh-x UserId=root(0) JobState=PENDING Reason=Resources ExitCode=0:0
        """);
    assertThat(m).containsOnlyKeys("55_0", "55_1", "55_2");
    assertThat(m.get("55_0")).isZero();
    assertThat(m.get("55_1")).isEqualTo(2);
    assertThat(m.get("55_2")).isEqualTo(-1);
  }

  @Test
  void squeueListsEveryJobAndTellsWhichRun() {
    var q = SlurmText.queue("""
        101 PENDING
        102 RUNNING
          103_0 COMPLETING

        103_[1-3] PENDING
        """);
    assertThat(q.jobIds()).containsExactlyInAnyOrder("101", "102", "103_0", "103_[1-3]");
    assertThat(q.running()).containsExactly("102", "103_0");
    assertThat(SlurmText.queue("").jobIds()).isEmpty();
  }

  @Test
  void findsJobIdsBySubmissionAndByName() {
    assertThat(SlurmText.submittedJobId("4711\n")).isEqualTo("4711");
    assertThat(SlurmText.submittedJobId("4711;cluster-a\n")).isEqualTo("4711");
    assertThat(SlurmText.firstQueuedJobId("  88\n89\n")).contains("88");
    assertThat(SlurmText.firstQueuedJobId(" \n")).isEmpty();
    assertThat(SlurmText.lastJobNamed("""
        40|fedmesh-ab-t0
        40.batch|batch
        41|fedmesh-ab-t1
        42|fedmesh-ab-t0
        42.0|fedmesh-ab-t0
        """, "fedmesh-ab-t0")).as("the latest job, never a step").contains("42");
    assertThat(SlurmText.lastJobNamed("41|fedmesh-ab-t1\n", "fedmesh-ab-t0")).isEmpty();
  }

  @Test
  void excerptsCutLongMessages() {
    assertThat(SlurmText.excerpt("  sbatch: error: bad\n")).isEqualTo("sbatch: error: bad");
    assertThat(SlurmText.excerpt("x".repeat(400))).hasSize(303).endsWith("...");
  }
}
