package io.fedmesh.hpc.sim;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the command line of one reference-simulation task, for a backend to run (locally or in a
 * Slurm batch script, where mpirun finds its allocation). With mpirun, mpi.jar and libmpi_java.so
 * present: {@code mpirun -np R ... java -cp <classpath:mpi.jar> -Djava.library.path=<dir>
 * io.fedmesh.hpc.sim.MpiSimulationMain ...}; otherwise, and for a single rank, one process,
 * {@code java ... SimulationMain ...} (the same numerics on one rank).
 */
public final class SimulationLauncher {
  public static final String MPI_MAIN = "io.fedmesh.hpc.sim.MpiSimulationMain";
  public static final String SINGLE_MAIN = "io.fedmesh.hpc.sim.SimulationMain";

  private final Path java;
  private final String classPath;
  private final MpiRuntime mpi;
  /** The default launcher also needs this build to have compiled the MPI entry point; explicit ones trust their runtime. */
  private final boolean needsCompiledMain;

  /** The running JVM's java and class path, and the Open MPI found on this machine. */
  public SimulationLauncher() {
    this(Path.of(System.getProperty("java.home"), "bin", "java"), absolute(System.getProperty("java.class.path")),
        MpiRuntime.detect(), true);
  }

  /** Class path entries made absolute: a Slurm job may start in another directory than the bridge. */
  static String absolute(String classPath) {
    return Arrays.stream(classPath.split(File.pathSeparator)).filter(e -> !e.isBlank())
        .map(e -> Path.of(e).toAbsolutePath().normalize().toString()).collect(Collectors.joining(File.pathSeparator));
  }

  public SimulationLauncher(Path java, String classPath, MpiRuntime mpi) {
    this(java, classPath, mpi, false);
  }

  private SimulationLauncher(Path java, String classPath, MpiRuntime mpi, boolean needsCompiledMain) {
    this.java = java;
    this.classPath = classPath;
    this.mpi = mpi;
    this.needsCompiledMain = needsCompiledMain;
  }

  /**
   * Whether {@link #command} launches MPI ranks (else a single process): Open MPI and mpi.jar are
   * here, and this build compiled the MPI entry point (the 'mpi' Maven profile, active when mpi.jar existed).
   */
  public boolean usesMpi() {
    return mpi.usable() && (MPI_MAIN_COMPILED || !needsCompiledMain);
  }

  /** Why {@link #command} would run one process instead of MPI ranks (for skip messages and logs); empty when it uses MPI. */
  public String whyNoMpi() {
    if (!mpi.usable()) {
      return mpi.missing();
    }
    return MPI_MAIN_COMPILED || !needsCompiledMain ? "" : MPI_MAIN + " was not compiled (the 'mpi' Maven profile needs " + MpiRuntime.defaultJar()
        + " when the module is built)";
  }

  private static final boolean MPI_MAIN_COMPILED = SimulationLauncher.class.getClassLoader()
      .getResource(MPI_MAIN.replace('.', '/') + ".class") != null;

  public MpiRuntime mpi() {
    return mpi;
  }

  /**
   * The argv of one task. {@code steps} is raised to the fewest stable steps when the parameters
   * need more (valid parameters only: invalid ones go through unchanged, so the task itself fails
   * with exit code 2 and says why). The sensor seed is derived from the task name, so a rerun of
   * the same task writes the same samples. {@code gpus > 0} lets the task use JCuda when it finds a GPU.
   */
  public List<String> command(String taskName, Map<String, Double> params, int ranks, int gpus, int grid, int steps,
      int samples, Path outputCsv, Path workDir) {
    if (ranks < 1) {
      throw new IllegalArgumentException("ranks must be >= 1 (got " + ranks + ")");
    }
    List<String> cmd = new ArrayList<>();
    // one rank needs no mpirun: the same numerics in one process, without MPI's start-up
    boolean useMpi = usesMpi() && ranks > 1;
    if (useMpi) {
      cmd.addAll(List.of(mpi.mpirun().orElseThrow().toString(), "-np", Integer.toString(ranks), "--oversubscribe",
          "--allow-run-as-root", "--bind-to", "none",
          // CMA single-copy needs ptrace rights that containers rarely grant; copy through shared memory instead
          "--mca", "btl_vader_single_copy_mechanism", "none"));
    }
    cmd.add(java.toString());
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx512m",
        "-Djava.io.tmpdir=" + workDir.toAbsolutePath()));
    if (useMpi) {
      cmd.addAll(List.of("-cp", classPath + File.pathSeparator + mpi.mpiJar().orElseThrow(),
          "-Djava.library.path=" + mpi.libraryDir().orElseThrow(), MPI_MAIN));
    } else {
      cmd.addAll(List.of("-cp", classPath, SINGLE_MAIN));
    }
    cmd.addAll(List.of("--grid", Integer.toString(grid), "--steps", Integer.toString(stableSteps(params, grid, steps)),
        "--samples", Integer.toString(samples), "--seed", Long.toString(seedOf(taskName)),
        "--kernel", gpus > 0 ? "auto" : "cpu", "--output", outputCsv.toAbsolutePath().toString()));
    for (Map.Entry<String, Double> e : new TreeMap<>(params).entrySet()) {
      cmd.add("--param");
      cmd.add(e.getKey() + "=" + String.format(Locale.ROOT, "%s", e.getValue()));
    }
    return cmd;
  }

  static int stableSteps(Map<String, Double> params, int grid, int steps) {
    try {
      return grid < 1 ? steps : Math.max(steps, SimulationParameters.of(params).minimumStableSteps(grid));
    } catch (SimulationParameterException e) {
      return steps;
    }
  }

  static long seedOf(String taskName) {
    long h = 1125899906842597L;
    for (int i = 0; i < taskName.length(); i++) {
      h = 31 * h + taskName.charAt(i);
    }
    return h & Long.MAX_VALUE;
  }
}
