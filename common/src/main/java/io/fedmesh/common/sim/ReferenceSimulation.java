package io.fedmesh.common.sim;

import java.util.List;
import java.util.Optional;

/**
 * The parameters of fedmesh's built-in reference simulation (2-D advection-diffusion on the unit
 * square), shared by the bridge that runs it and the operator that validates a SimulationBurst's
 * sweep before anything is submitted. Their order is the order of the CSV features.
 */
public final class ReferenceSimulation {
  /** A parameter's name, default and closed valid range. */
  public record Range(String name, double defaultValue, double min, double max) {
    public boolean contains(double value) {
      return value >= min && value <= max;
    }

    public String describe() {
      return name + " must be in [" + fmt(min) + ", " + fmt(max) + "]";
    }
  }

  /** In the order they appear as CSV features. */
  public static final List<Range> RANGES = List.of(
      new Range("diffusivity", 0.01, 1e-5, 1.0),
      new Range("windX", 0.5, -5.0, 5.0),
      new Range("windY", 0.2, -5.0, 5.0),
      new Range("sourceX", 0.3, 0.0, 1.0),
      new Range("sourceY", 0.5, 0.0, 1.0),
      new Range("sourceStrength", 10.0, 0.0, 1000.0),
      new Range("sourceWidth", 0.05, 0.01, 0.5),
      new Range("duration", 0.5, 1e-3, 100.0));

  /** Feature names after the parameters: the sensor position and time; the label is the concentration. */
  public static final List<String> SENSOR_FEATURES = List.of("x", "y", "t");

  private ReferenceSimulation() {}

  public static Optional<Range> range(String name) {
    return RANGES.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  public static List<String> names() {
    return RANGES.stream().map(Range::name).toList();
  }

  /**
   * The largest stable time step on an N x N grid: first-order upwind advection plus explicit
   * central diffusion keep every update coefficient non-negative while
   * dt * ((|u| + |v|) / dx + 4 D / dx^2) <= 1 (the CFL and diffusion limits together).
   */
  public static double maxStableDt(double diffusivity, double windX, double windY, int grid) {
    double dx = 1.0 / grid;
    return 1.0 / ((Math.abs(windX) + Math.abs(windY)) / dx + 4.0 * diffusivity / (dx * dx));
  }

  /**
   * What one task at {@code point} costs the solver, in cell updates: grid^2 cells times its steps,
   * the requested {@code steps} or, when more, the fewest stable ones over the duration (as the
   * bridge runs it; parameters missing from the point at their defaults). Steps grow with wind and
   * diffusivity, so a cost-aware acquisition prefers the cheaper regions.
   */
  public static double cellUpdates(java.util.Map<String, Double> point, int grid, int steps) {
    java.util.function.ToDoubleFunction<String> v = n -> point.getOrDefault(n, range(n).orElseThrow().defaultValue());
    double stable = Math.ceil(v.applyAsDouble("duration")
        / maxStableDt(v.applyAsDouble("diffusivity"), v.applyAsDouble("windX"), v.applyAsDouble("windY"), grid));
    return (double) grid * grid * Math.max(steps, stable);
  }

  public static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
