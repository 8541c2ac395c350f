package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.TaskKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationLauncherTest {
  private static final Path JAVA = Path.of("/opt/jdk/bin/java");
  private static final MpiRuntime WITH_MPI = new MpiRuntime(Optional.of(Path.of("/usr/bin/mpirun")),
      Optional.of(Path.of("/opt/mpi/mpi.jar")), Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/openmpi/lib")));
  private static final MpiRuntime NO_MPI = new MpiRuntime(Optional.empty(), Optional.empty(), Optional.empty());

  @TempDir
  Path dir;

  @Test
  void withOpenMpiTheTaskRunsOnRanksUnderMpirun() {
    SimulationLauncher launcher = new SimulationLauncher(JAVA, "/app/a.jar:/app/b.jar", WITH_MPI);
    assertThat(launcher.usesMpi()).isTrue();
    List<String> cmd = launcher.command("task-3", Map.of("windX", 0.5, "diffusivity", 0.01), 3, 0, 64, 200, 32,
        Path.of("/data/task-3.csv"), Path.of("/work/task-3"));
    assertThat(cmd.subList(0, 5)).containsExactly("/usr/bin/mpirun", "-np", "3", "--oversubscribe", "--allow-run-as-root");
    assertThat(cmd).containsSubsequence("/opt/jdk/bin/java", "-cp", "/app/a.jar:/app/b.jar:/opt/mpi/mpi.jar",
        "-Djava.library.path=/usr/lib/x86_64-linux-gnu/openmpi/lib", SimulationLauncher.MPI_MAIN);
    assertThat(cmd).containsSubsequence("--grid", "64", "--steps", "200", "--samples", "32");
    assertThat(cmd).containsSubsequence("--kernel", "cpu", "--output", "/data/task-3.csv");
    // parameters in name order, so the same task always gets the same argv
    assertThat(cmd).containsSubsequence("--param", "diffusivity=0.01", "--param", "windX=0.5");
    assertThat(cmd).contains("-Djava.io.tmpdir=/work/task-3");
  }

  @Test
  void withoutOpenMpiTheTaskIsOneProcess() {
    SimulationLauncher launcher = new SimulationLauncher(JAVA, "/app/a.jar", NO_MPI);
    assertThat(launcher.usesMpi()).isFalse();
    List<String> cmd = launcher.command("t", Map.of(), 2, 1, 32, 100, 8, Path.of("/o.csv"), Path.of("/w"));
    assertThat(cmd.get(0)).isEqualTo("/opt/jdk/bin/java");
    assertThat(cmd).doesNotContain("mpirun", "-np").containsSubsequence("-cp", "/app/a.jar", SimulationLauncher.SINGLE_MAIN);
    assertThat(cmd).containsSubsequence("--kernel", "auto"); // gpus > 0: JCuda when the task finds a GPU
  }

  @Test
  void stepsAreRaisedToTheStableMinimumAndBadParametersPassThrough() {
    Map<String, Double> fast = Map.of("diffusivity", 0.5);
    int needed = SimulationParameters.of(fast).minimumStableSteps(64);
    assertThat(needed).isGreaterThan(200);
    assertThat(SimulationLauncher.stableSteps(fast, 64, 200)).isEqualTo(needed);
    assertThat(SimulationLauncher.stableSteps(Map.of(), 64, 200)).isEqualTo(200);
    // the task itself must fail with exit code 2 and say why, so the launcher does not judge
    assertThat(SimulationLauncher.stableSteps(Map.of("diffusivity", -1.0), 64, 200)).isEqualTo(200);
  }

  @Test
  void theSeedFollowsTheTaskName() {
    assertThat(SimulationLauncher.seedOf("burst-a-7")).isEqualTo(SimulationLauncher.seedOf("burst-a-7"))
        .isNotEqualTo(SimulationLauncher.seedOf("burst-a-8")).isNotNegative();
  }

  @Test
  void theSingleProcessCommandRunsAndWritesTheCsv() throws Exception {
    SimulationLauncher launcher = new SimulationLauncher(Path.of(System.getProperty("java.home"), "bin", "java"),
        System.getProperty("java.class.path"), NO_MPI);
    Path csv = dir.resolve("task.csv");
    TaskProcess ok = TaskProcess.run(launcher.command("task", Map.of("windY", -0.3), 1, 0, 24, 40, 16, csv,
        dir.resolve("work")), dir.resolve("work"));
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    Dataset d = CsvDatasetReader.read(csv, SimulationMain.LABEL, TaskKind.REGRESSION);
    assertThat(d.rows()).isEqualTo(16);

    TaskProcess bad = TaskProcess.run(launcher.command("bad", Map.of("diffusivity", -1.0), 1, 0, 24, 40, 16,
        dir.resolve("bad.csv"), dir.resolve("work")), dir.resolve("work"));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("diffusivity must be in");
  }
}
