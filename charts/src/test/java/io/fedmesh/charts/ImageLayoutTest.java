package io.fedmesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The images are not built here (no Docker engine), so this pins what they would copy to what the
 * build produces: each COPY source exists after `package`, the ENTRYPOINT's main class exists, the
 * chart's image repository is the module's artifact, and the chart's first argument is the
 * subcommand the main understands.
 */
class ImageLayoutTest {
  /**
   * Options the charts pass that other shares of issue 9 are adding to the commands in parallel:
   * --insecure (the identity contract, every role) and --applications (the bridge's allowlist).
   */
  static final Set<String> PENDING = Set.of();

  @ParameterizedTest
  @CsvSource({
      "operator, fedmesh-operator",
      "edge-agent, fedmesh-edge-agent",
      "hpc-bridge, fedmesh-hpc-bridge"})
  void dockerfileCopiesWhatTheBuildProduces(String module, String chart) throws Exception {
    Path dir = Path.of("..", module);
    // the jar `package` writes is <artifactId>-<version>.jar, both read from the module's pom
    String pom = Files.readString(dir.resolve("pom.xml"));
    String artifact = firstGroup("</parent>\\s*<artifactId>([^<]+)</artifactId>", pom);
    String version = firstGroup("<parent>.*?<version>([^<]+)</version>", pom);
    List<String> lines = Files.readAllLines(dir.resolve("Dockerfile"));
    List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ")).map(l -> l.split("\\s+")[1]).toList();
    assertThat(copies).containsExactly("target/" + artifact + "-" + version + ".jar", "target/lib/");
    for (String src : copies) {
      assertThat(dir.resolve(src)).as("built by ./mvnw package").exists();
    }
    try (var jars = Files.list(dir.resolve("target/lib"))) {
      assertThat(jars.filter(p -> p.toString().endsWith(".jar")).count()).isGreaterThan(5);
    }
    String entry = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("\"(io\\.fedmesh\\.[A-Za-z.]+)\"").matcher(entry);
    assertThat(m.find()).isTrue();
    Path mainSource = dir.resolve("src/main/java/" + m.group(1).replace('.', '/') + ".java");
    assertThat(mainSource).exists();
    String values = Files.readString(Path.of(chart, "values.yaml"));
    assertThat(values).contains("repository: ghcr.io/fedmesh/" + artifact);
    // the image tag defaults to the chart's appVersion: the release of the project it packages
    assertThat(Files.readString(Path.of(chart, "Chart.yaml")))
        .contains("appVersion: \"" + version.replace("-SNAPSHOT", "") + "\"");
    // the image runs the role's own main, so the chart passes only options that its command declares
    String deployment = Files.readString(Path.of(chart, "templates", "deployment.yaml"))
        + Files.readString(Path.of(chart, "templates", "_tls.tpl"));
    String command = Files.readString(dir.resolve("src/main/java/io/fedmesh/" + switch (module) {
      case "operator" -> "operator/OperatorCommand.java";
      case "edge-agent" -> "edge/AgentCommand.java";
      default -> "hpc/BridgeCommand.java";
    }));
    Matcher arg = Pattern.compile("- --([a-z-]+)(=|$)", Pattern.MULTILINE).matcher(deployment);
    int options = 0;
    while (arg.find()) {
      String option = "\"--" + arg.group(1) + "\"";
      if (PENDING.contains(arg.group(1))) {
        // once the command declares it, the exception must go so the option is checked like any other
        assertThat(command).as("--%s is declared now: remove it from ImageLayoutTest.PENDING", arg.group(1)).doesNotContain(option);
      } else {
        assertThat(command).as("option --%s used by chart %s", arg.group(1), chart).contains(option);
      }
      options++;
    }
    assertThat(options).isGreaterThan(2);
  }

  static String firstGroup(String regex, String text) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("pattern %s", regex).isTrue();
    return m.group(1);
  }
}
