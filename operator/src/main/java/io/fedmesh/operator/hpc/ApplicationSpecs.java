package io.fedmesh.operator.hpc;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the operator can tell about spec.application before asking a bridge: a command is no longer
 * run, an application needs a name, and its params and sweep names follow the bridge's rules
 * (the bridge checks them again, and alone knows its allowlist).
 */
final class ApplicationSpecs {
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final Pattern PARAM = Pattern.compile("^[a-z][a-zA-Z0-9_]{0,63}$");
  /** Placeholders the bridge fills itself. */
  private static final Set<String> RESERVED = Set.of("task", "taskIndex", "output", "workDir");
  private static final int MAX_VALUE_LENGTH = 1024;

  private ApplicationSpecs() {}

  static List<String> problems(SimulationBurstSpec.Application app, List<SimulationBurstSpec.SweepParameter> sweep) {
    List<String> p = new ArrayList<>();
    if (app.type == SimulationBurstSpec.Application.Type.COMMAND) {
      p.add("spec.application.type command is no longer run: bridges pass nothing to a shell and run only the applications"
          + " their admin allowlists; set type: application, name: <an application of the bridge's --applications file> and"
          + " its {param} values in spec.application.params");
      return p;
    }
    if (app.type != SimulationBurstSpec.Application.Type.APPLICATION) {
      return p;
    }
    if (app.name == null || !NAME.matcher(app.name).matches()) {
      p.add("spec.application.name is required for type application: the name of an application in the bridge's allowlist"
          + " (lowercase letters, digits, '-')");
    }
    Map<String, String> params = app.params == null ? Map.of() : app.params;
    for (Map.Entry<String, String> e : params.entrySet()) {
      String at = "spec.application.params." + e.getKey();
      if (!PARAM.matcher(e.getKey()).matches()) {
        p.add(at + ": names are a lowercase letter, then letters, digits or '_'");
      } else if (RESERVED.contains(e.getKey())) {
        p.add(at + ": " + e.getKey() + " is filled by the bridge; choose another name");
      }
      String v = e.getValue() == null ? "" : e.getValue();
      if (v.length() > MAX_VALUE_LENGTH || v.chars().anyMatch(Character::isISOControl)) {
        p.add(at + ": values are at most " + MAX_VALUE_LENGTH + " printable characters");
      }
    }
    for (int i = 0; i < sweep.size(); i++) {
      String name = sweep.get(i).name;
      if (name != null && (!PARAM.matcher(name).matches() || RESERVED.contains(name))) {
        p.add("spec.sweep[" + i + "] (" + name + "): an application's parameter names are a lowercase letter, then letters,"
            + " digits or '_', and not " + RESERVED);
      } else if (name != null && params.containsKey(name)) {
        p.add("spec.sweep[" + i + "] (" + name + ") is also set in spec.application.params: set it in one place");
      }
    }
    return p;
  }
}
