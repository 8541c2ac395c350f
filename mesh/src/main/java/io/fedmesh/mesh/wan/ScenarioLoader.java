package io.fedmesh.mesh.wan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a scenario, built-in by name (scenarios/NAME.yaml in the jar) or from a YAML file, and
 * refuses one that does not hold together ({@link ScenarioChecks}) with the field and the fix.
 */
public final class ScenarioLoader {
  public static final List<String> BUILT_INS = List.of("calm", "stragglers", "flaky", "partition", "mixed");
  /** Larger files are not scenarios: refused before they are read. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ScenarioLoader() {}

  /** A built-in scenario's name, or the path of a scenario file. */
  public static Scenario load(String nameOrFile) {
    if (BUILT_INS.contains(nameOrFile)) {
      try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream("scenarios/" + nameOrFile + ".yaml")) {
        if (in == null) {
          throw new IllegalStateException("scenarios/" + nameOrFile + ".yaml is missing from the fedmesh-mesh jar: rebuild it");
        }
        return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "built-in " + nameOrFile);
      } catch (IOException e) {
        throw new IllegalStateException("reading the built-in scenario " + nameOrFile + ": " + e.getMessage(), e);
      }
    }
    Path file = Path.of(nameOrFile);
    if (!Files.isRegularFile(file)) {
      throw new ScenarioException("--scenario " + nameOrFile + " is neither a built-in (" + String.join(", ", BUILT_INS)
          + ") nor a readable file: name one of those or give the path of a scenario YAML (docs/local-mesh.md)");
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ScenarioException("--scenario " + file + " is over 1 MiB: a scenario is a short YAML file (docs/local-mesh.md)");
      }
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ScenarioException("--scenario " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Parses and checks a scenario's YAML; {@code source} names it in messages. */
  public static Scenario parse(String yaml, String source) {
    Scenario s;
    try {
      s = YAML.readValue(yaml, Scenario.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ScenarioException(source + ": " + path(e) + " is not a scenario field: use one of " + known);
    } catch (JsonMappingException e) {
      throw new ScenarioException(source + ": " + path(e) + ": " + e.getOriginalMessage().replaceAll(" at \\[Source.*", "")
          + " (docs/local-mesh.md shows the format)");
    } catch (IOException e) {
      throw new ScenarioException(source + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (s == null) {
      throw new ScenarioException(source + " is empty: give at least a name (docs/local-mesh.md shows the format)");
    }
    List<String> problems = ScenarioChecks.problems(s);
    if (!problems.isEmpty()) {
      throw new ScenarioException(source + ": " + String.join("; ", problems));
    }
    return s;
  }

  /** Refuses a scenario that names sites or rounds this run does not have. */
  public static void requireFits(Scenario s, int siteCount, int rounds) {
    List<String> problems = ScenarioChecks.problemsFor(s, siteCount, rounds);
    if (!problems.isEmpty()) {
      throw new ScenarioException("--scenario " + s.name + ": " + String.join("; ", problems));
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      }
    }
    return b.isEmpty() ? "(top level)" : b.toString();
  }

  /** A scenario refused: the message names the field and the fix. */
  public static final class ScenarioException extends IllegalArgumentException {
    public ScenarioException(String message) {
      super(message);
    }
  }
}
