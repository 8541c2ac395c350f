package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.CsvDatasetReader;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.TaskKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationMainTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SimulationMain.execute(args, new SingleRankHalo(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Run runBad(String... extra) {
    List<String> args = new ArrayList<>(List.of("--output", dir.resolve("bad.csv").toString()));
    if (!List.of(extra).contains("--kernel")) {
      args.addAll(List.of("--kernel", "cpu"));
    }
    args.addAll(List.of(extra));
    Run r = run(args.toArray(String[]::new));
    assertThat(r.code()).as("exit code of %s", List.of(extra)).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).as("one line on stderr: %s", r.err()).isEqualTo(1);
    assertThat(dir.resolve("bad.csv")).doesNotExist();
    return r;
  }

  @Test
  void badParametersExitWithCode2AndNameTheParameterAndItsRange() {
    assertThat(runBad("--param", "diffusivity=-0.1").err()).contains("diffusivity=-0.1").contains("diffusivity must be in [1.0E-5, 1]");
    assertThat(runBad("--param", "sourceX=1.5").err()).contains("sourceX must be in [0, 1]");
    assertThat(runBad("--param", "viscosity=1").err()).contains("unknown parameter 'viscosity'").contains("windX");
    assertThat(runBad("--param", "windX=fast").err()).contains("windX=fast").contains("must be a number");
    assertThat(runBad("--steps", "5").err()).contains("unstable settings").contains("--steps >= ");
    assertThat(runBad("--grid", "2").err()).contains("grid must be in [4, 8192]");
    assertThat(runBad("--samples", "0").err()).contains("samples must be >= 1");
    assertThat(runBad("--grid", "abc").err()).contains("--grid").contains("abc");
    assertThat(runBad("--boundary", "periodic").err()).contains("--boundary periodic").contains("open, closed");
    assertThat(runBad("--kernel", "tpu").err()).contains("--kernel tpu").contains("auto, cpu, gpu");
  }

  @Test
  void goodParametersWriteTheSamplesAsARegressionCsv() throws Exception {
    Path csv = dir.resolve("out/task-0.csv");
    Run r = run("--grid", "32", "--steps", "80", "--samples", "30", "--seed", "7", "--kernel", "cpu", "--output",
        csv.toString(), "--param", "windX=0.8", "--param", "diffusivity=0.005", "--param", "sourceX=0.25");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("30 samples");

    Dataset d = CsvDatasetReader.read(csv, SimulationMain.LABEL, TaskKind.REGRESSION);
    assertThat(d.rows()).isEqualTo(30);
    assertThat(d.featureNames()).containsExactly("diffusivity", "windX", "windY", "sourceX", "sourceY", "sourceStrength",
        "sourceWidth", "duration", "x", "y", "t");
    int f = d.features();
    int positive = 0;
    for (int i = 0; i < d.rows(); i++) {
      assertThat(d.x()[i * f]).isEqualTo(0.005f);
      assertThat(d.x()[i * f + 1]).isEqualTo(0.8f);
      assertThat(d.x()[i * f + 3]).isEqualTo(0.25f);
      assertThat(d.x()[i * f + 2]).isEqualTo(0.2f); // windY keeps its default
      assertThat(d.x()[i * f + 8]).isBetween(0f, 1f);
      assertThat(d.x()[i * f + 9]).isBetween(0f, 1f);
      assertThat(d.x()[i * f + 10]).isGreaterThan(0f).isLessThanOrEqualTo(0.5f);
      assertThat(d.y()[i]).isGreaterThanOrEqualTo(0f);
      positive += d.y()[i] > 1e-3f ? 1 : 0;
    }
    assertThat(positive).as("sensors that saw the plume").isGreaterThan(0);

    // the same seed writes the same samples; another seed puts the sensors elsewhere
    Path again = dir.resolve("again.csv");
    Path other = dir.resolve("other.csv");
    String[] base = {"--grid", "32", "--steps", "80", "--samples", "30", "--kernel", "cpu", "--param", "windX=0.8",
        "--param", "diffusivity=0.005", "--param", "sourceX=0.25", "--output"};
    assertThat(run(concat(base, again.toString(), "--seed", "7")).code()).isZero();
    assertThat(run(concat(base, other.toString(), "--seed", "8")).code()).isZero();
    assertThat(Files.readString(again)).isEqualTo(Files.readString(csv));
    assertThat(Files.readString(other)).isNotEqualTo(Files.readString(csv));
  }

  @Test
  void autoKernelFallsBackCleanlyWithoutAGpu() {
    Path csv = dir.resolve("auto.csv");
    Run r = run("--grid", "16", "--steps", "20", "--samples", "5", "--output", csv.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("kernel " + (GpuProbe.available() ? "jcuda" : "cpu"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
