package io.fedmesh.hpc.sim;

import io.fedmesh.common.data.CsvDatasetWriter;
import io.fedmesh.common.data.Dataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One reference-simulation task: solves the advection-diffusion problem for the given parameters
 * and writes sensor samples as a regression data set in fedmesh's CSV format. Features: the task's
 * parameters (every one of {@link SimulationParameters#RANGES}), the sensor position x, y and the
 * time t; label: the concentration observed there. Exit 0 on success, 2 on a bad parameter (one
 * line on stderr naming it and its valid range), 1 on any other failure.
 */
@Command(name = "simulation", mixinStandardHelpOptions = true,
    description = {"Reference simulation: 2-D advection-diffusion (dc/dt + u.grad c = D lap c + s) on the unit square.",
        "Writes --samples sensor readings as CSV: the parameters, x, y, t -> label (the concentration; regression)."})
public final class SimulationMain implements Callable<Integer> {
  public static final String LABEL = "label";
  static final int EXIT_BAD_PARAMETER = 2;

  @Option(names = "--param", paramLabel = "NAME=VALUE",
      description = "A physical parameter (repeatable): diffusivity, windX, windY, sourceX, sourceY, sourceStrength, "
          + "sourceWidth, duration. Unnamed ones keep their defaults.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--grid", defaultValue = "64", description = "Cells per side (N x N). Default: ${DEFAULT-VALUE}.")
  int grid;

  @Option(names = "--steps", defaultValue = "200", description = "Time steps over the duration. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--samples", defaultValue = "64", description = "Sensor readings to write. Default: ${DEFAULT-VALUE}.")
  int samples;

  @Option(names = "--seed", defaultValue = "1", description = "Chooses the sensor positions. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--output", required = true, description = "The CSV file to write (atomically).")
  Path output;

  @Option(names = "--kernel", defaultValue = "auto",
      description = "auto (JCuda when a GPU is present, else CPU), cpu or gpu. Default: ${DEFAULT-VALUE}.")
  String kernel;

  @Option(names = "--boundary", defaultValue = "open",
      description = "open (the plume leaves the square) or closed (walls). Default: ${DEFAULT-VALUE}.")
  String boundary;

  private final Halo halo;
  private PrintWriter out;
  private PrintWriter err;

  SimulationMain(Halo halo) {
    this.halo = halo;
  }

  public static void main(String[] args) {
    int code;
    try (Halo halo = new SingleRankHalo()) {
      code = execute(args, halo, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }
    System.exit(code);
  }

  /** Runs one task on the ranks of {@code halo}; only rank 0 prints and writes the CSV. */
  public static int execute(String[] args, Halo halo, PrintWriter out, PrintWriter err) {
    SimulationMain main = new SimulationMain(halo);
    main.out = out;
    main.err = err;
    PrintWriter quiet = new PrintWriter(PrintWriter.nullWriter());
    CommandLine cli = new CommandLine(main).setOut(halo.rank() == 0 ? out : quiet).setErr(halo.rank() == 0 ? err : quiet);
    cli.setParameterExceptionHandler((e, a) -> {
      main.fail(e.getMessage() + " (see --help)");
      return EXIT_BAD_PARAMETER;
    });
    cli.setExecutionExceptionHandler((e, c, r) -> {
      main.fail("failed: " + e);
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    long started = System.nanoTime();
    SimulationParameters p;
    AdvectionDiffusionSolver solver;
    StencilKernel stencil;
    try {
      p = SimulationParameters.of(parse(params));
      Boundary b = enumOption("boundary", boundary, Boundary.class);
      solver = new AdvectionDiffusionSolver(p, grid, steps, b, halo);
      AdvectionDiffusionSolver.checkSamples(samples);
      stencil = kernel();
    } catch (SimulationParameterException e) {
      fail(e.getMessage());
      return EXIT_BAD_PARAMETER;
    }
    AdvectionDiffusionSolver.Samples s = solver.run(stencil, samples, seed);
    if (halo.rank() != 0) {
      return 0;
    }
    double[] pv = p.values();
    List<String> names = new ArrayList<>();
    SimulationParameters.RANGES.forEach(r -> names.add(r.name()));
    names.addAll(List.of("x", "y", "t"));
    int features = names.size();
    float[] x = new float[samples * features];
    float[] y = new float[samples];
    s.writeRows(pv, x, y, 0);
    CsvDatasetWriter.write(output, new Dataset(output, names, samples, features, x, y, 0), LABEL);
    out.printf(Locale.ROOT, "simulation: %dx%d grid, %d steps of dt=%.3g on %d rank(s), kernel %s: %d samples -> %s"
            + " (mass %.4g, %.2f s)%n", grid, grid, steps, solver.dt(), halo.size(), stencil.name(), samples, output,
        s.finalMass(), (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private StencilKernel kernel() {
    return switch (kernel.toLowerCase(Locale.ROOT)) {
      case "cpu" -> new CpuStencilKernel();
      case "auto" -> GpuProbe.available() ? JCudaStencilKernel.create() : new CpuStencilKernel();
      case "gpu" -> {
        GpuProbe.Result r = GpuProbe.probe();
        if (!r.available()) {
          throw new SimulationParameterException("kernel", "--kernel gpu but " + r.description()
              + ": use --kernel auto or cpu");
        }
        yield JCudaStencilKernel.create();
      }
      default -> throw new SimulationParameterException("kernel", "--kernel " + kernel + " is unknown: valid values are auto, cpu, gpu");
    };
  }

  private static Map<String, Double> parse(Map<String, String> raw) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      try {
        values.put(e.getKey().trim(), Double.parseDouble(e.getValue().trim()));
      } catch (NumberFormatException nfe) {
        throw new SimulationParameterException(e.getKey(), "--param " + e.getKey() + "=" + e.getValue()
            + ": the value must be a number");
      }
    }
    return values;
  }

  private static <E extends Enum<E>> E enumOption(String name, String value, Class<E> type) {
    for (E c : type.getEnumConstants()) {
      if (c.name().equalsIgnoreCase(value)) {
        return c;
      }
    }
    throw new SimulationParameterException(name, "--" + name + " " + value + " is unknown: valid values are "
        + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
  }

  private void fail(String message) {
    if (halo.rank() == 0) {
      err.println("simulation: " + message);
      err.flush();
    }
  }
}
