package io.fedmesh.mesh;

import io.fedmesh.common.model.TaskKind;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of `fedmesh local` (a picocli mixin). {@link #validate} refuses bad or conflicting
 * options with a message naming the option and the fix, before anything is created or started.
 */
public final class MeshOptions {
  static final int DEFAULT_SITES = 4;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--sites", description = "Number of edge sites (default: 4, or the number of site files with --data).")
  Integer sites;

  @Option(names = "--rounds", defaultValue = "10", description = "Federation rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--data", description = "Directory with site-<i>.csv per site and test.csv (header row, numeric features, a 'label' column).")
  Path data;

  @Option(names = "--label-column", defaultValue = "label",
      description = "The label column of the --data files (default: ${DEFAULT-VALUE}).")
  String labelColumn = "label";

  @Option(names = "--task", defaultValue = "classification", description = "classification or regression (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--problem", defaultValue = "blobs",
      description = {"Built-in data: blobs (non-IID Gaussian blobs, classification) or plume (sensor readings of the reference"
          + " advection-diffusion simulation, regression; with --hpc the burst runs that simulation, 2 MPI ranks per task on"
          + " Slurm). Default: ${DEFAULT-VALUE}."})
  String problem;

  @Option(names = "--out", defaultValue = "fedmesh-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--kill-site-after-round", defaultValue = "-1", paramLabel = "K",
      description = "Kill one agent process after round K; the mesh carries on without it.")
  int killAfterRound;

  @Option(names = "--samples-per-site", defaultValue = "1200", description = "Samples per site of the built-in data (default: ${DEFAULT-VALUE}).")
  int samplesPerSite;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the built-in data and of the training (spec.seed: initial model, site selection, local"
      + " shuffling); the same seed repeats a run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--timeout", defaultValue = "600", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--hpc", defaultValue = "none",
      description = "none, local or slurm: also run a simulation burst on an hpc-bridge whose samples join training (default: ${DEFAULT-VALUE}).")
  String hpc;

  @Option(names = "--insecure",
      description = "Run every gRPC link in plaintext without certificates (default: mutual TLS with a fresh CA under OUT/certs).")
  boolean insecure;

  @Option(names = "--keep-running",
      description = "After training ends, keep the API server, operator and agents up (kubectl --kubeconfig OUT/kubeconfig ...) until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--log-format", defaultValue = "text",
      description = "text or json: the format of OUT/logs/*.log, json one object per line with the resource named (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Option(names = "--verbose", description = "Show operator logs on the terminal (they always go to OUT/logs/operator.log).")
  boolean verbose;

  boolean plume() {
    return "plume".equals(problem);
  }

  boolean withHpc() {
    return !hpc.equals("none");
  }

  boolean killsASite() {
    return killAfterRound >= 0;
  }

  /** The task of the run: plume is always regression. Call after {@link #validate}. */
  TaskKind taskKind() {
    return TaskKind.parse(task);
  }

  /** Refuses bad or conflicting options; checks the first problem found, in the order of the help. */
  /**
   * Where a path the user gave lies: the launcher runs from the repository, so a relative path
   * means the caller's directory ({@code fedmesh.caller.dir}). Messages keep the path as named.
   */
  static Path resolved(Path named) {
    Path caller = Path.of(System.getProperty("fedmesh.caller.dir", System.getProperty("user.dir")));
    return named.isAbsolute() ? named : caller.resolve(named).normalize();
  }

  void validate() {
    try {
      TaskKind.parse(task);
    } catch (IllegalArgumentException e) {
      throw refuse("--task: " + e.getMessage());
    }
    if (sites != null && (sites < 1 || sites > 32)) {
      throw refuse("--sites must be between 1 and 32 (got " + sites + ")");
    }
    if (rounds < 1 || rounds > 1000) {
      throw refuse("--rounds must be between 1 and 1000 (got " + rounds + ")");
    }
    if (killAfterRound >= rounds) {
      throw refuse("--kill-site-after-round " + killAfterRound + " must be below --rounds " + rounds);
    }
    if (sites != null) {
      // with --data and no --sites the count is only known from the files: see requireSitesForFaults
      requireSitesForFaults(sites);
    }
    if (samplesPerSite < 10) {
      throw refuse("--samples-per-site must be at least 10");
    }
    try {
      io.fedmesh.common.logging.LogFormat.parse(logFormat);
    } catch (IllegalArgumentException e) {
      throw refuse(e.getMessage());
    }
    if (!List.of("none", "local", "slurm").contains(hpc)) {
      throw refuse("--hpc must be none, local or slurm (got " + hpc + ")");
    }
    if (!List.of("blobs", "plume").contains(problem)) {
      throw refuse("--problem must be blobs or plume (got " + problem + ")");
    }
    if (!"label".equals(labelColumn) && data == null) {
      throw refuse("--label-column names a column of your --data files; the built-in data's is 'label': add --data, or drop --label-column");
    }
    if (plume() && data != null) {
      throw refuse("--problem plume generates its data: drop --data, or drop --problem");
    }
    if (plume() && spec.commandLine().getParseResult().hasMatchedOption("--task") && !task.equalsIgnoreCase("regression")) {
      throw refuse("--problem plume is a regression problem: drop --task or use --task regression");
    }
    LocalHpc.problem(hpc).ifPresent(p -> {
      throw refuse(p);
    });
  }

  /** Killing a site leaves the training with the others: there must be at least one other. */
  void requireSitesForFaults(int siteCount) {
    if (killsASite() && siteCount < 2) {
      throw refuse("--kill-site-after-round needs at least 2 sites: raise --sites (or give --data more site files)");
    }
  }

  private ParameterException refuse(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
