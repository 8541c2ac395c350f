package io.fedmesh.operator.acquisition;

import io.fedmesh.api.v1alpha1.SimulationBurstSpec.SweepParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The swept parameter space cut into boxes: each swept parameter's [min, max] into {@code bins}
 * equal intervals, every combination a region (bins^parameters of them). A burst placed in a
 * region sweeps only that box.
 */
public final class Regions {
  /** Bins^parameters beyond this would leave most regions without a single sample to judge them by. */
  public static final int MAX_REGIONS = 4096;

  /** One box: per parameter, in sweep order, its [low, high]. */
  public record Region(int index, Map<String, double[]> bounds) {
    public boolean contains(Map<String, Double> point) {
      for (Map.Entry<String, double[]> e : bounds.entrySet()) {
        Double v = point.get(e.getKey());
        if (v == null || v < e.getValue()[0] || v > e.getValue()[1]) {
          return false;
        }
      }
      return true;
    }

    /** e.g. {@code diffusivity [0.005, 0.0175] windX [0, 1]}. */
    public String describe() {
      StringBuilder b = new StringBuilder();
      bounds.forEach((k, r) -> b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%s [%.4g, %.4g]", k, r[0], r[1])));
      return b.toString();
    }
  }

  private final List<SweepParameter> sweep;
  private final int bins;
  private final List<Region> regions;

  public Regions(List<SweepParameter> sweep, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("spec.adaptiveSimulation.regionsPerParameter must be at least 1 (got " + bins + ")");
    }
    if (Math.pow(bins, sweep.size()) > MAX_REGIONS) {
      throw new IllegalArgumentException("spec.adaptiveSimulation.regionsPerParameter " + bins + " over " + sweep.size()
          + " swept parameters gives more than " + MAX_REGIONS + " regions: lower it");
    }
    this.sweep = List.copyOf(sweep);
    this.bins = bins;
    int count = (int) Math.round(Math.pow(bins, sweep.size()));
    List<Region> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, double[]> b = new LinkedHashMap<>();
      int rest = i;
      for (SweepParameter p : sweep) {
        int bin = rest % bins;
        rest /= bins;
        double w = (p.max - p.min) / bins;
        b.put(p.name, new double[] {p.min + bin * w, bin == bins - 1 ? p.max : p.min + (bin + 1) * w});
      }
      out.add(new Region(i, b));
    }
    this.regions = List.copyOf(out);
  }

  public List<Region> all() {
    return regions;
  }

  public int bins() {
    return bins;
  }

  /** The bin of swept parameter {@code j} holding {@code v}, or -1 outside its range. */
  public int bin(int j, double v) {
    SweepParameter p = sweep.get(j);
    if (!(v >= p.min && v <= p.max)) {
      return -1;
    }
    return p.max > p.min ? (int) Math.min(bins - 1, Math.floor((v - p.min) / (p.max - p.min) * bins)) : 0;
  }

  /** The region holding {@code value[j]} for swept parameter j (in sweep order), or -1 outside the sweep. */
  public int locate(double[] values) {
    int index = 0;
    int stride = 1;
    for (int j = 0; j < sweep.size(); j++) {
      int bin = bin(j, values[j]);
      if (bin < 0) {
        return -1;
      }
      index += bin * stride;
      stride *= bins;
    }
    return index;
  }

  public List<String> parameterNames() {
    return sweep.stream().map(p -> p.name).toList();
  }
}
