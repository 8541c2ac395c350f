package io.fedmesh.hpc.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An application the admin declares: an absolute executable, an argument template whose
 * {@code {param}} placeholders are filled per task, optional environment variables filled the same
 * way, an optional default walltime. Each template argument becomes exactly one argv element
 * whatever the values hold; the environment is set with {@code /usr/bin/env NAME=value ...}, which
 * execs the program without a shell. The bridge fills {@code {task}}, {@code {taskIndex}},
 * {@code {output}} (the task's CSV) and {@code {workDir}}; the rest come from the burst's
 * application_options and the task's sweep point, and every one must be used (a typo is refused,
 * not ignored).
 */
public record ApplicationTemplate(String name, Path executable, List<String> args, Map<String, String> env,
    int defaultWalltimeSeconds) implements Application {
  public static final Pattern APPLICATION_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  /** Placeholders the bridge fills itself. */
  public static final Set<String> RESERVED = Set.of("task", "taskIndex", "output", "workDir");
  static final Path ENV = Path.of("/usr/bin/env");
  private static final Pattern PLACEHOLDER_NAME = Pattern.compile("^[a-z][a-zA-Z0-9_]{0,63}$");
  private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");

  /** @throws IllegalArgumentException naming the application and field at fault */
  public ApplicationTemplate {
    if (name == null || !APPLICATION_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("application name '" + name + "' must be a lowercase letter, then lowercase letters,"
          + " digits or '-', at most 63 characters");
    }
    if (executable == null || !executable.isAbsolute() || !executable.normalize().equals(executable)) {
      throw new IllegalArgumentException("application " + name + ": executable '" + executable + "' must be an absolute path"
          + " without '.' or '..' (the bridge runs it directly, never through a shell or the PATH)");
    }
    args = List.copyOf(args);
    env = Map.copyOf(new LinkedHashMap<>(env));
    if (!env.isEmpty() && executable.toString().contains("=")) {
      // env(1) would take such a path for one more NAME=value
      throw new IllegalArgumentException("application " + name + ": with env, the executable's path must not contain '='");
    }
    for (int i = 0; i < args.size(); i++) {
      placeholders(name + ": args[" + i + "]", args.get(i));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("application " + name + ": env name '" + e.getKey() + "' must be letters, digits, '_'");
      }
      placeholders(name + ": env." + e.getKey(), e.getValue());
    }
    if (defaultWalltimeSeconds < 0) {
      throw new IllegalArgumentException("application " + name + ": walltimeSeconds must not be negative");
    }
  }

  /** Every placeholder the template uses, reserved ones included. */
  public Set<String> parameters() {
    Set<String> names = new LinkedHashSet<>();
    args.forEach(a -> names.addAll(placeholders(name, a)));
    env.values().forEach(v -> names.addAll(placeholders(name, v)));
    return names;
  }

  @Override
  public List<String> command(TaskInvocation task) {
    Map<String, String> values = values(task);
    List<String> argv = new ArrayList<>();
    if (!env.isEmpty()) {
      argv.add(ENV.toString());
      // sorted, so the same task always gets the same argv (a resubmit compares equal)
      new java.util.TreeMap<>(env).forEach((k, v) -> argv.add(k + "=" + fill(v, values)));
    }
    argv.add(executable.toString());
    args.forEach(a -> argv.add(fill(a, values)));
    return argv;
  }

  /** The parameter values of one task: the bridge's own, the burst's options, the sweep point; each checked against the template. */
  private Map<String, String> values(TaskInvocation task) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("task", task.task());
    values.put("taskIndex", Integer.toString(task.index()));
    values.put("output", task.outputCsv().toString());
    values.put("workDir", task.workDir().toString());
    Set<String> used = parameters();
    put(values, used, "application_options", task.options());
    Map<String, String> point = new LinkedHashMap<>();
    task.point().forEach((k, v) -> point.put(k, ApplicationParameters.format(v)));
    put(values, used, "tasks[" + task.index() + "].params", point);
    for (String p : used) {
      if (!values.containsKey(p)) {
        throw new IllegalArgumentException("application " + name + " needs parameter '" + p + "': set it in application_options"
            + " (spec.application.params) or sweep it");
      }
    }
    return values;
  }

  private void put(Map<String, String> values, Set<String> used, String where, Map<String, String> given) {
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (RESERVED.contains(e.getKey())) {
        throw new IllegalArgumentException(where + "." + e.getKey() + " is filled by the bridge: choose another name");
      }
      if (!used.contains(e.getKey())) {
        throw new IllegalArgumentException(where + "." + e.getKey() + " is not a parameter of application " + name
            + " (its parameters: " + new TreeSet<>(used).stream().filter(p -> !RESERVED.contains(p)).toList() + ")");
      }
      if (values.putIfAbsent(e.getKey(), e.getValue()) != null) {
        throw new IllegalArgumentException(where + "." + e.getKey() + " is also set in application_options: set it once");
      }
    }
  }

  private static String fill(String template, Map<String, String> values) {
    return render("", template, values, new ArrayList<>());
  }

  /** The placeholders of one template string. */
  private static List<String> placeholders(String where, String template) {
    List<String> names = new ArrayList<>();
    render(where, template, null, names);
    return names;
  }

  /**
   * Walks a template once: a brace-enclosed name is a placeholder (filled from {@code values}
   * unless null), a doubled brace is a literal one (for an admin's sh wrapper: "${{HOME}}"), any
   * other brace is refused, so a template never silently keeps or loses a placeholder.
   */
  private static String render(String where, String template, Map<String, String> values, List<String> names) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      boolean doubled = i + 1 < template.length() && template.charAt(i + 1) == c;
      if ((c == '{' || c == '}') && doubled) {
        out.append(c);
        i += 2;
      } else if (c == '{') {
        int close = template.indexOf('}', i + 1);
        String name = close < 0 ? "" : template.substring(i + 1, close);
        if (!PLACEHOLDER_NAME.matcher(name).matches()) {
          throw badBrace(where, template);
        }
        names.add(name);
        if (values != null) {
          out.append(values.get(name));
        }
        i = close + 1;
      } else if (c == '}') {
        throw badBrace(where, template);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException badBrace(String where, String template) {
    return new IllegalArgumentException("application " + where + ": '" + template + "' has a '{' or '}' that is no {param}"
        + " placeholder (names: a lowercase letter, then letters, digits, '_'); write {{ and }} for literal braces");
  }
}
