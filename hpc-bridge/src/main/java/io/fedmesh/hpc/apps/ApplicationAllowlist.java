package io.fedmesh.hpc.apps;

import io.fedmesh.hpc.sim.SimulationLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The applications this bridge runs, by name: the built-in reference simulation and those of the
 * admin's {@code --applications} file. Nothing else can run: a task names one of these or is refused.
 */
public final class ApplicationAllowlist {
  private final Map<String, Application> applications;
  private final String source;

  private ApplicationAllowlist(Map<String, Application> applications, String source) {
    this.applications = Map.copyOf(applications);
    this.source = source;
  }

  /** Only the built-in reference simulation. */
  public static ApplicationAllowlist builtIn(SimulationLauncher simulation) {
    Map<String, Application> m = new LinkedHashMap<>();
    m.put(ReferenceSimulationApplication.NAME, new ReferenceSimulationApplication(simulation));
    return new ApplicationAllowlist(m, "built-in only: the bridge was started without --applications FILE");
  }

  /**
   * The built-in plus the applications of {@code file} (see {@link ApplicationsFile}).
   *
   * @throws IllegalArgumentException naming the file, application and field at fault
   */
  public static ApplicationAllowlist load(Path file, SimulationLauncher simulation) throws IOException {
    ApplicationAllowlist list = builtIn(simulation);
    for (ApplicationTemplate t : ApplicationsFile.read(file)) {
      list = list.with(t);
    }
    return new ApplicationAllowlist(list.applications, "--applications " + file.toAbsolutePath());
  }

  /** This allowlist and {@code application} (for bridges embedded in a program, like the local mesh). */
  public ApplicationAllowlist with(Application application) {
    if (applications.containsKey(application.name())) {
      throw new IllegalArgumentException("application " + application.name() + " is defined twice (the built-in "
          + ReferenceSimulationApplication.NAME + " cannot be redefined)");
    }
    Map<String, Application> m = new LinkedHashMap<>(applications);
    m.put(application.name(), application);
    return new ApplicationAllowlist(m, source);
  }

  /** The application called {@code name}; empty names the built-in one. */
  public Application resolve(String name) {
    Application a = applications.get(name.isEmpty() ? ReferenceSimulationApplication.NAME : name);
    if (a == null) {
      throw new UnknownApplicationException("application '" + ApplicationParameters.printable(name) + "' is not in this bridge's"
          + " allowlist (" + source + "; allowed: " + names() + "): ask the bridge's admin to add it, or name an allowed one");
    }
    return a;
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(applications.keySet());
  }

  /** Where the allowlist comes from, for logs and refusals. */
  public String source() {
    return source;
  }
}
