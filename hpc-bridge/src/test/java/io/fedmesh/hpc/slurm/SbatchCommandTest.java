package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.hpc.engine.TaskNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SbatchCommandTest {
  static final Path LOGS = Path.of("/w/logs");
  static final Path OUT = Path.of("/w/output");

  /** A task of {@code ranks} x {@code cores} with an optional time limit and GPUs. */
  static TaskNode task(String name, int ranks, int cores, int gpus, int walltime, String... command) {
    return new TaskNode(name, "simulate", 0, List.of(), ranks * cores, 1.0, List.of(command), ranks, gpus, walltime);
  }

  @Test
  void commandsAreQuotedForTheShell() {
    assertThat(SbatchCommand.shellQuote(List.of("sh", "-c", "echo it's; exit 3"))).isEqualTo("'sh' '-c' 'echo it'\\''s; exit 3'");
  }

  @Test
  void aLoneTaskIsAnOrdinaryJobWithItsLimitsLogAndOutput() {
    var s = new SbatchCommand(LOGS, "gpu", OUT, "ab12cd34-").of(List.of(task("sim-0", 2, 3, 1, 3725, "sh", "-c", "run it")));
    assertThat(s.argv()).containsExactly("sbatch", "--parsable", "-J", "fedmesh-ab12cd34-sim-0", "-n", "2", "-c", "3",
        "-o", "/w/logs/sim-0.log", "--time=1:02:05", "--gres=gpu:1", "-p", "gpu",
        "--export=ALL,FEDMESH_OUTPUT=/w/output/sim-0.csv", "--wrap", "'sh' '-c' 'run it'");
    assertThat(s.directories()).containsExactly(LOGS, OUT);
    assertThat(s.script()).isEmpty();
  }

  @Test
  void withoutPartitionLimitsOrOutputOnlyTheBasicsAreAsked() {
    var s = new SbatchCommand(LOGS, " ", null, "").single(task("t", 1, 1, 0, 0, "true"));
    assertThat(s.argv()).containsExactly("sbatch", "--parsable", "-J", "fedmesh-t", "-n", "1", "-c", "1",
        "-o", "/w/logs/t.log", "--wrap", "'true'");
    assertThat(s.directories()).containsExactly(LOGS);
  }

  @Test
  void severalTasksBecomeOneJobArrayWhoseScriptPicksEachCommand() {
    var s = new SbatchCommand(LOGS, null, OUT, "p-").of(List.of(task("a", 1, 2, 0, 60, "echo", "a"), task("b", 1, 2, 0, 60, "echo", "b's")));
    assertThat(s.argv()).containsExactly("sbatch", "--parsable", "--array=0-1", "-J", "fedmesh-p-a-array", "-n", "1", "-c", "2",
        "-o", "/dev/null", "--time=0:01:00", "/w/logs/array-a.sh");
    assertThat(s.script()).hasValueSatisfying(script -> {
      assertThat(script.file()).isEqualTo(LOGS.resolve("array-a.sh"));
      assertThat(script.text()).isEqualTo("""
          #!/bin/sh
          # fedmesh job array: one element per task
          case "$SLURM_ARRAY_TASK_ID" in
          0) exec >'/w/logs/a.log' 2>&1; FEDMESH_OUTPUT='/w/output/a.csv'; export FEDMESH_OUTPUT; exec 'echo' 'a' ;;
          1) exec >'/w/logs/b.log' 2>&1; FEDMESH_OUTPUT='/w/output/b.csv'; export FEDMESH_OUTPUT; exec 'echo' 'b'\\''s' ;;
          esac
          echo "fedmesh: no task for array index $SLURM_ARRAY_TASK_ID" >&2
          exit 3
          """);
    });
  }

  @Test
  void tasksAreGroupedByTheResourcesTheyAskFor() {
    List<TaskNode> tasks = List.of(task("a", 1, 1, 0, 0, "true"), task("b", 2, 1, 0, 0, "true"), task("c", 1, 1, 0, 0, "true"),
        task("d", 1, 1, 1, 0, "true"), task("e", 1, 1, 0, 30, "true"), task("f", 2, 1, 0, 0, "true"));
    assertThat(SbatchCommand.sameShapeGroups(tasks)).containsExactly(List.of(0, 2), List.of(1, 5), List.of(3), List.of(4));
  }

  @Test
  void peerTextInAnArgumentStaysLiteralWhenShRunsTheGeneratedScripts(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path hit = tmp.resolve("pwned");
    String[] hostile = {"/bin/echo", "; touch " + hit, "$(touch " + hit + ")", "`touch " + hit + "`", "it's \"q\" * & | $HOME"};
    var array = new SbatchCommand(tmp, null, tmp, "").of(List.of(task("a", 1, 1, 0, 0, hostile), task("b", 1, 1, 0, 0, "true")));
    Path script = java.nio.file.Files.writeString(tmp.resolve("array.sh"), array.script().orElseThrow().text());
    // as Slurm runs element 0 of the array: it echoes its arguments into its log
    ProcessBuilder element = new ProcessBuilder("/bin/sh", script.toString());
    element.environment().put("SLURM_ARRAY_TASK_ID", "0");
    assertThat(element.start().waitFor()).isZero();
    String expected = String.join(" ", java.util.Arrays.copyOfRange(hostile, 1, hostile.length)) + "\n";
    assertThat(java.nio.file.Files.readString(tmp.resolve("a.log"))).isEqualTo(expected);
    // sbatch --wrap runs its text as a /bin/sh script too
    String wrap = new SbatchCommand(tmp, null, null, "").single(task("w", 1, 1, 0, 0, hostile)).argv().getLast();
    Process wrapped = new ProcessBuilder("/bin/sh", "-c", wrap).redirectErrorStream(true).start();
    assertThat(new String(wrapped.getInputStream().readAllBytes())).isEqualTo(expected);
    assertThat(hit).as("nothing ran the peer's text").doesNotExist();
  }

  @Test
  void aPilotIsOneNodeOneTaskWithAllItsCoresAndItsScriptExecsTheAgentOnItsJobsDirectory(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    var s = new SbatchCommand(LOGS, "gpu", OUT, "ab12cd34-").pilot(4, 1, 3725, Path.of("/w/pilot"), List.of("/jdk/bin/java", "-cp",
        "/a b/*", "io.fedmesh.hpc.pilot.PilotAgent"));
    assertThat(s.argv()).containsSubsequence("sbatch", "--parsable", "-J", "fedmesh-ab12cd34-pilot", "-N", "1", "-n", "1", "-c", "4",
        "-o", "/w/pilot/agent-%j.log", "--time=1:02:05", "--gres=gpu:1", "-p", "gpu", "--wrap");
    assertThat(s.directories()).containsExactly(Path.of("/w/pilot"));
    // as Slurm runs the --wrap text: the agent's argv arrives whole, its directory named after the job
    String wrap = s.argv().getLast().replace("exec '/jdk/bin/java'", "exec /bin/echo");
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", wrap).redirectErrorStream(true);
    pb.environment().put("SLURM_JOB_ID", "42");
    assertThat(new String(pb.start().getInputStream().readAllBytes())).isEqualTo("-cp /a b/* io.fedmesh.hpc.pilot.PilotAgent /w/pilot/42\n");
    assertThat(new SbatchCommand(LOGS, null, null, "").pilot(2, 0, 0, Path.of("/w/pilot"), List.of("java")).argv())
        .noneMatch(a -> a.startsWith("--time") || a.startsWith("--gres") || a.equals("-p"));
  }
}
