package io.fedmesh.hpc.sim;

import io.fedmesh.common.sim.ReferenceSimulation;
import io.fedmesh.common.sim.ReferenceSimulation.Range;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The physical parameters of one advection-diffusion task on the unit square
 * (dc/dt + u.grad c = D lap c + s): diffusivity D, wind (windX, windY), a Gaussian source at
 * (sourceX, sourceY) with strength and width, and the simulated duration. Every parameter has a
 * default and a valid range; {@link #of} refuses names and values outside them.
 */
public record SimulationParameters(double diffusivity, double windX, double windY, double sourceX, double sourceY,
    double sourceStrength, double sourceWidth, double duration) {

  /** In the order they appear as CSV features (shared with the operator's validation). */
  public static final List<Range> RANGES = ReferenceSimulation.RANGES;

  /** Defaults overridden by {@code values}; an unknown name or a value out of range is refused. */
  public static SimulationParameters of(Map<String, Double> values) {
    Map<String, Double> v = new LinkedHashMap<>();
    for (Range r : RANGES) {
      v.put(r.name(), r.defaultValue());
    }
    for (Map.Entry<String, Double> e : values.entrySet()) {
      Range r = RANGES.stream().filter(x -> x.name().equals(e.getKey())).findFirst()
          .orElseThrow(() -> new SimulationParameterException(e.getKey(), "unknown parameter '" + e.getKey()
              + "': valid names are " + RANGES.stream().map(Range::name).toList()));
      double value = e.getValue() == null ? Double.NaN : e.getValue();
      if (!(value >= r.min() && value <= r.max())) {
        throw new SimulationParameterException(r.name(), r.name() + "=" + fmt(value) + " is out of range: " + r.describe());
      }
      v.put(r.name(), value);
    }
    return new SimulationParameters(v.get("diffusivity"), v.get("windX"), v.get("windY"), v.get("sourceX"),
        v.get("sourceY"), v.get("sourceStrength"), v.get("sourceWidth"), v.get("duration"));
  }

  /**
   * The largest stable time step on an N x N grid: first-order upwind advection plus explicit
   * central diffusion keep every update coefficient non-negative while
   * dt * ((|u| + |v|) / dx + 4 D / dx^2) <= 1 (the CFL and diffusion limits together).
   */
  public double maxStableDt(int grid) {
    return ReferenceSimulation.maxStableDt(diffusivity, windX, windY, grid);
  }

  /** The fewest steps that cover {@link #duration} with a stable time step on this grid. */
  public int minimumStableSteps(int grid) {
    return (int) Math.ceil(duration / maxStableDt(grid));
  }

  /** dt = duration / steps, refused with the fix when it breaks the stability limit. */
  public double stableDt(int grid, int steps) {
    double dt = duration / steps;
    double max = maxStableDt(grid);
    if (dt > max) {
      throw new SimulationParameterException("steps", String.format(Locale.ROOT,
          "unstable settings: duration=%s over steps=%d gives dt=%.3g above the stability limit %.3g for grid %d "
              + "(CFL and diffusion limits): use --steps >= %d, or lower duration, diffusivity or wind",
          fmt(duration), steps, dt, max, grid, minimumStableSteps(grid)));
    }
    return dt;
  }

  /** Values in {@link #RANGES} order (the CSV feature order). */
  public double[] values() {
    return new double[] {diffusivity, windX, windY, sourceX, sourceY, sourceStrength, sourceWidth, duration};
  }

  /** The source term s(x, y) at a point of the unit square. */
  public double source(double x, double y) {
    double dx = x - sourceX;
    double dy = y - sourceY;
    return sourceStrength * Math.exp(-(dx * dx + dy * dy) / (2 * sourceWidth * sourceWidth));
  }

  static String fmt(double v) {
    return ReferenceSimulation.fmt(v);
  }
}
