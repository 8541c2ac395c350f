package io.fedmesh.hpc.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the admin's allowlist file ({@code --applications FILE}):
 *
 * <pre>
 * applications:
 *   plume-custom:
 *     executable: /opt/sims/plume          # absolute; run directly, never through a shell
 *     args: ["--diffusivity={diffusivity}", "--out={output}"]
 *     env: {OMP_NUM_THREADS: "{threads}"}  # optional
 *     walltimeSeconds: 1800                # optional default for tasks that set none
 * </pre>
 *
 * Strict: an unknown key, a missing executable or one that cannot be executed stops the bridge at
 * start with the file, application and field named, rather than refusing bursts later.
 */
final class ApplicationsFile {
  private static final Set<String> KEYS = Set.of("executable", "args", "env", "walltimeSeconds");

  private ApplicationsFile() {}

  static List<ApplicationTemplate> read(Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    String at = file + ": ";
    if (root == null || !root.isObject() || !root.path("applications").isObject() || root.size() != 1) {
      throw new IllegalArgumentException(at + "expected one top-level key 'applications' mapping names to executable, args, env,"
          + " walltimeSeconds");
    }
    List<ApplicationTemplate> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("applications").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.add(application(at + "applications." + e.getKey(), e.getKey(), e.getValue()));
    }
    return out;
  }

  private static ApplicationTemplate application(String at, String name, JsonNode n) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(at + " must be a mapping with executable, args, env, walltimeSeconds");
    }
    n.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(at + "." + k + " is not a known key (known: executable, args, env, walltimeSeconds)");
      }
    });
    if (!n.path("executable").isTextual()) {
      throw new IllegalArgumentException(at + ".executable is required: the absolute path of the program");
    }
    Path executable = Path.of(n.get("executable").asText());
    List<String> args = new ArrayList<>();
    if (n.has("args")) {
      if (!n.get("args").isArray()) {
        throw new IllegalArgumentException(at + ".args must be a list of strings, one per argument");
      }
      n.get("args").forEach(a -> args.add(scalar(at + ".args", a)));
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (n.has("env")) {
      if (!n.get("env").isObject()) {
        throw new IllegalArgumentException(at + ".env must map variable names to strings");
      }
      n.get("env").fields().forEachRemaining(v -> env.put(v.getKey(), scalar(at + ".env." + v.getKey(), v.getValue())));
    }
    int walltime = 0;
    if (n.has("walltimeSeconds")) {
      if (!n.get("walltimeSeconds").canConvertToInt() || n.get("walltimeSeconds").asInt() < 0) {
        throw new IllegalArgumentException(at + ".walltimeSeconds must be a whole number of seconds, 0 or more");
      }
      walltime = n.get("walltimeSeconds").asInt();
    }
    ApplicationTemplate t;
    try {
      t = new ApplicationTemplate(name, executable, args, env, walltime);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new IllegalArgumentException(at + ".executable " + executable + " is not an executable file on this host");
    }
    return t;
  }

  private static String scalar(String at, JsonNode v) {
    if (!v.isValueNode() || v.isNull()) {
      throw new IllegalArgumentException(at + " must hold strings (quote numbers and placeholders: \"{param}\")");
    }
    return v.asText();
  }
}
