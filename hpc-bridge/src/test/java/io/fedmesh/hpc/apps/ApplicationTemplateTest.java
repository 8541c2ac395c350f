package io.fedmesh.hpc.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationTemplateTest {
  @TempDir Path tmp;

  TaskInvocation task(Map<String, String> options, Map<String, Double> point) {
    return new TaskInvocation("sim-0001", 1, point, options, 1, 0, tmp.resolve("out/sim-0001.csv"), tmp.resolve("work"));
  }

  /** Runs argv as the local launcher does (no shell) and returns what it printed. */
  static String run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void shellMetacharactersInAParameterStayOneLiteralArgument() throws Exception {
    Path hit = tmp.resolve("x");
    String hostile = "; id > " + hit + " $(touch " + hit + ") `touch " + hit + "` it's \"q\" * &";
    ApplicationTemplate echo = new ApplicationTemplate("echo", Path.of("/bin/echo"), List.of("--label={label}", "{label}"),
        Map.of(), 0);
    List<String> argv = echo.command(task(Map.of("label", hostile), Map.of()));
    assertThat(argv).containsExactly("/bin/echo", "--label=" + hostile, hostile);
    assertThat(run(argv)).isEqualTo("--label=" + hostile + " " + hostile + "\n");
    assertThat(hit).as("nothing ran the parameter").doesNotExist();
  }

  @Test
  void environmentFromParametersIsSetByEnvWithoutAShell() throws Exception {
    Path hit = tmp.resolve("y");
    String hostile = "$(touch " + hit + "); echo pwned";
    ApplicationTemplate printenv = new ApplicationTemplate("show", Path.of("/usr/bin/printenv"), List.of("PLUME_WIND"),
        Map.of("PLUME_WIND", "{windX}"), 0);
    List<String> argv = printenv.command(task(Map.of("windX", hostile), Map.of()));
    assertThat(argv).containsExactly("/usr/bin/env", "PLUME_WIND=" + hostile, "/usr/bin/printenv", "PLUME_WIND");
    assertThat(run(argv)).isEqualTo(hostile + "\n");
    assertThat(hit).doesNotExist();
  }

  @Test
  void theBridgeFillsTaskIndexOutputAndWorkDirAndTheSweepPoint() {
    ApplicationTemplate t = new ApplicationTemplate("plume", Path.of("/opt/plume"),
        List.of("--task={task}", "--index={taskIndex}", "--out={output}", "--tmp={workDir}", "--d={diffusivity}", "--n={n}"), Map.of(), 60);
    assertThat(t.command(task(Map.of("n", "3"), Map.of("diffusivity", 0.25))))
        .containsExactly("/opt/plume", "--task=sim-0001", "--index=1", "--out=" + tmp.resolve("out/sim-0001.csv"),
            "--tmp=" + tmp.resolve("work"), "--d=0.25", "--n=3");
    assertThat(t.parameters()).contains("diffusivity", "n", "output");
  }

  @Test
  void doubledBracesAreLiteralSoAnAdminsShWrapperCanUseThem() throws Exception {
    ApplicationTemplate t = new ApplicationTemplate("wrap", Path.of("/bin/sh"),
        List.of("-c", "echo \"${{1:-none}}\" {{x}}", "wrap", "{label}"), Map.of(), 0);
    List<String> argv = t.command(task(Map.of("label", "{task}"), Map.of()));
    assertThat(argv).containsExactly("/bin/sh", "-c", "echo \"${1:-none}\" {x}", "wrap", "{task}");
    assertThat(run(argv)).as("a value is never expanded again").isEqualTo("{task} {x}\n");
  }

  @Test
  void parametersThatDoNotFitTheTemplateAreRefusedNamingThem() {
    ApplicationTemplate t = new ApplicationTemplate("plume", Path.of("/opt/plume"), List.of("--d={diffusivity}"), Map.of(), 0);
    assertThatThrownBy(() -> t.command(task(Map.of(), Map.of())))
        .hasMessageContaining("application plume needs parameter 'diffusivity'");
    assertThatThrownBy(() -> t.command(task(Map.of("diffusivity", "1", "typo", "2"), Map.of())))
        .hasMessageContaining("application_options.typo is not a parameter of application plume (its parameters: [diffusivity])");
    assertThatThrownBy(() -> t.command(task(Map.of("diffusivity", "1"), Map.of("diffusivity", 2.0))))
        .hasMessageContaining("tasks[1].params.diffusivity is also set in application_options");
    assertThatThrownBy(() -> t.command(task(Map.of("diffusivity", "1", "output", "/etc/passwd"), Map.of())))
        .hasMessageContaining("application_options.output is filled by the bridge");
  }

  @Test
  void parameterNamesAndValuesAreChecked() {
    assertThatThrownBy(() -> ApplicationParameters.checked("application_options", Map.of("Bad-Name", "1")))
        .hasMessageContaining("application_options has a parameter named 'Bad-Name'");
    assertThatThrownBy(() -> ApplicationParameters.checked("application_options", Map.of("v", "a\nb")))
        .hasMessageContaining("application_options.v holds a control character (U+000A at position 1)");
    assertThatThrownBy(() -> ApplicationParameters.checked("application_options", Map.of("v", "x".repeat(1025))))
        .hasMessageContaining("application_options.v is 1025 characters long; at most 1024");
    assertThatThrownBy(() -> ApplicationParameters.checkedPoint("tasks[0].params", Map.of("d", Double.NaN)))
        .hasMessageContaining("tasks[0].params.d is NaN: it must be a finite number");
    assertThat(ApplicationParameters.checked("o", Map.of("v", "héllo wörld; $x"))).containsEntry("v", "héllo wörld; $x");
  }

  @Test
  void anAdminTemplateThatCouldGoWrongIsRefusedAtDefinition() {
    assertThatThrownBy(() -> new ApplicationTemplate("plume", Path.of("plume"), List.of(), Map.of(), 0))
        .hasMessageContaining("executable 'plume' must be an absolute path");
    assertThatThrownBy(() -> new ApplicationTemplate("plume", Path.of("/opt/../bin/sh"), List.of(), Map.of(), 0))
        .hasMessageContaining("must be an absolute path without '.' or '..'");
    assertThatThrownBy(() -> new ApplicationTemplate("plume", Path.of("/opt/plume"), List.of("{Bad}"), Map.of(), 0))
        .hasMessageContaining("args[0]: '{Bad}' has a '{' or '}' that is no {param} placeholder");
    assertThatThrownBy(() -> new ApplicationTemplate("Plume", Path.of("/opt/plume"), List.of(), Map.of(), 0))
        .hasMessageContaining("application name 'Plume'");
    assertThatThrownBy(() -> new ApplicationTemplate("plume", Path.of("/opt/plume"), List.of(), Map.of("A=B", "x"), 0))
        .hasMessageContaining("env name 'A=B'");
  }
}
