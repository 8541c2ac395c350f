package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.TaskKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference simulation on real Open MPI ranks (mpirun + the Java bindings from mpi.jar): the
 * grid split across ranks with halo exchange gives the single-rank answer. Skipped, with the reason
 * printed, where Open MPI or mpi.jar is missing (hpc-bridge/scripts/install-hpc-deps.sh installs them).
 */
class MpiSimulationIT {
  private static final Map<String, Double> PARAMS = Map.of("windX", 0.9, "windY", -0.4, "diffusivity", 0.004,
      "sourceX", 0.35, "sourceY", 0.6);

  @TempDir
  Path dir;

  @BeforeEach
  void needsOpenMpi() {
    String reason = new SimulationLauncher().whyNoMpi();
    if (!reason.isEmpty()) {
      System.out.println("SKIPPED MpiSimulationIT: " + reason);
    }
    io.fedmesh.hpc.RequiredInCi.assume(reason.isEmpty(), reason);
  }

  private Dataset run(SimulationLauncher launcher, int ranks, String name) throws Exception {
    Path csv = dir.resolve(name + ".csv");
    List<String> cmd = launcher.command("mpi-agreement", PARAMS, ranks, 0, 48, 150, 60, csv, dir.resolve("work"));
    TaskProcess p = TaskProcess.run(cmd, dir.resolve("work"));
    assertThat(p.exitCode()).as("%d ranks: %s%s", ranks, p.out(), p.err()).isZero();
    assertThat(p.out()).contains("on " + ranks + " rank(s)");
    return CsvDatasetReader.read(csv, SimulationMain.LABEL, TaskKind.REGRESSION);
  }

  @Test
  void twoAndThreeRanksGiveTheSingleRankResult() throws Exception {
    SimulationLauncher launcher = new SimulationLauncher();
    assertThat(launcher.usesMpi()).isTrue();
    Dataset one = run(launcher, 1, "one");
    Dataset two = run(launcher, 2, "two");
    Dataset three = run(launcher, 3, "three");
    assertThat(two.rows()).isEqualTo(60);
    assertThat(two.x()).containsExactly(one.x());
    assertThat(three.x()).containsExactly(one.x());
    float max = 0;
    for (int i = 0; i < one.rows(); i++) {
      max = Math.max(max, one.y()[i]);
      assertThat(two.y()[i]).as("sample %d, 2 ranks", i).isCloseTo(one.y()[i], within(1e-6f));
      assertThat(three.y()[i]).as("sample %d, 3 ranks", i).isCloseTo(one.y()[i], within(1e-6f));
    }
    assertThat(max).as("some sensor saw the plume").isGreaterThan(0.01f);

    // and the MPI result is the one the single-process path computes
    Path local = dir.resolve("local.csv");
    SimulationLauncher single = new SimulationLauncher(Path.of(System.getProperty("java.home"), "bin", "java"),
        System.getProperty("java.class.path"), new MpiRuntime(java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.Optional.empty()));
    TaskProcess p = TaskProcess.run(single.command("mpi-agreement", PARAMS, 1, 0, 48, 150, 60, local, dir.resolve("work")),
        dir.resolve("work"));
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(CsvDatasetReader.read(local, SimulationMain.LABEL, TaskKind.REGRESSION).y()).containsExactly(one.y());
  }

  @Test
  void badParametersFailUnderMpirunWithExitCode2() throws Exception {
    SimulationLauncher launcher = new SimulationLauncher();
    TaskProcess p = TaskProcess.run(launcher.command("bad", Map.of("windX", 99.0), 2, 0, 32, 50, 8,
        dir.resolve("bad.csv"), dir.resolve("work")), dir.resolve("work"));
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.err()).contains("windX=99 is out of range: windX must be in [-5, 5]");
    assertThat(dir.resolve("bad.csv")).doesNotExist();
  }
}
