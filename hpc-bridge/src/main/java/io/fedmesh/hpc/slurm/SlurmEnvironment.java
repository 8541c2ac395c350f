package io.fedmesh.hpc.slurm;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Environment the Slurm commands run with beyond this process's own: a JVM cannot change its
 * environment, so a Slurm started by this process (the local mesh's private one) hands its
 * SLURM_CONF to sbatch, squeue and sacct through here; jobs inherit it from sbatch.
 */
public final class SlurmEnvironment {
  private static final Map<String, String> EXTRA = new ConcurrentHashMap<>();

  private SlurmEnvironment() {}

  public static void set(String name, String value) {
    EXTRA.put(name, value);
  }

  public static void clear(String name) {
    EXTRA.remove(name);
  }

  /** A variable as the Slurm commands see it: set here, or else this process's own. */
  public static Optional<String> get(String name) {
    return Optional.ofNullable(EXTRA.getOrDefault(name, System.getenv(name)));
  }

  static void applyTo(Map<String, String> environment) {
    environment.putAll(EXTRA);
  }
}
