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

  public static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
