package io.fedmesh.bench;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.FedAvgStrategy;
import io.fedmesh.operator.aggregation.RunningMean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * FedAvg throughput against the machine's memory bandwidth, both measured in this run.
 *
 * <p>gbps counts the update bytes FedAvg reads (updates x params x 4 B) per second; membw_gbps is
 * a STREAM-like triad a[i] = b[i] + s*c[i] over float arrays, counting 3 arrays x 4 B per element
 * (STREAM's convention). ratio = gbps / membw_gbps: how close aggregation gets to streaming
 * memory. It also runs at a tenth of the parameters to show cost grows linearly, and folds the same
 * updates one at a time into the {@link RunningMean} a FedAvg round keeps in the operator (each
 * update on arrival, the round holding 8 B a parameter instead of every update).
 */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "FedAvg over N updates of P float32 parameters vs a STREAM-like triad (memory bandwidth).")
public final class AggregateBenchmark implements Callable<Integer> {
  @Option(names = "--updates", defaultValue = "32", description = "Updates aggregated (default: ${DEFAULT-VALUE}).")
  int updates;

  @Option(names = "--params", defaultValue = "10000000", description = "Parameters per update (default: ${DEFAULT-VALUE}).")
  int params;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed repetitions; the best is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public Integer call() {
    System.out.printf("aggregate: FedAvg of %d updates x %,d float32 parameters (%.0f MB read per aggregation)%n", updates, params,
        updates * (double) params * 4 / 1e6);
    List<ClientUpdate> big = updates(updates, params);
    double membw = triadGbps(Math.max(params, 20_000_000), repeats);
    double gbps = fedAvgGbps(big, params, repeats);
    int small = params / 10;
    double smallSeconds = fedAvgSeconds(updates(updates, small), small, repeats);
    double bigSeconds = updates * (double) params * 4 / 1e9 / gbps;
    System.out.printf("growth: %,d params %.4f s, %,d params %.4f s: 10x the parameters costs %.1fx%n", small, smallSeconds, params,
        bigSeconds, bigSeconds / smallSeconds);
    double fold = foldSeconds(big, params, repeats);
    System.out.printf("streaming: folding each update on arrival %.4f s per update (%.2f GB/s); the round holds %,d bytes (the"
        + " running mean) instead of %,d (every update)%n", fold / updates, updates * (double) params * 4 / 1e9 / fold, 8L * params,
        4L * params * updates);
    System.out.printf("RESULT aggregate gbps=%.2f membw_gbps=%.2f ratio=%.3f%n", gbps, membw, gbps / membw);
    return 0;
  }

  static List<ClientUpdate> updates(int n, int params) {
    List<ClientUpdate> list = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(1);
    for (int k = 0; k < n; k++) {
      float[] w = new float[params];
      for (int i = 0; i < params; i++) {
        w[i] = (float) r.nextDouble(-0.1, 0.1);
      }
      list.add(new ClientUpdate("site-" + k, w, 100 + k, 0, 0, 4L * params));
    }
    return list;
  }

  static double fedAvgGbps(List<ClientUpdate> updates, int params, int repeats) {
    return updates.size() * (double) params * 4 / 1e9 / fedAvgSeconds(updates, params, repeats);
  }

  static double fedAvgSeconds(List<ClientUpdate> updates, int params, int repeats) {
    FedAvgStrategy fedAvg = new FedAvgStrategy();
    float[] global = new float[params];
    double best = Double.MAX_VALUE;
    float sink = 0;
    for (int i = 0; i < repeats + 1; i++) {
      long t = System.nanoTime();
      float[] out = fedAvg.aggregate(global, updates);
      double s = (System.nanoTime() - t) / 1e9;
      sink += out[out.length / 2];
      if (i > 0) {
        best = Math.min(best, s); // the first run warms the JIT
      }
    }
    if (sink == 12345.678f) {
      System.out.println();
    }
    return best;
  }

  /** Best time to fold every update one at a time into a running mean and take the mean, as a streaming round does. */
  static double foldSeconds(List<ClientUpdate> updates, int params, int repeats) {
    double best = Double.MAX_VALUE;
    float sink = 0;
    for (int i = 0; i < repeats + 1; i++) {
      long t = System.nanoTime();
      RunningMean mean = new RunningMean(params);
      for (ClientUpdate u : updates) {
        mean.add(u.site(), u.weights(), u.samples());
      }
      float[] out = mean.mean();
      double s = (System.nanoTime() - t) / 1e9;
      sink += out[out.length / 2];
      if (i > 0) {
        best = Math.min(best, s);
      }
    }
    if (sink == 12345.678f) {
      System.out.println();
    }
    return best;
  }

  static double triadGbps(int n, int repeats) {
    float[] a = new float[n];
    float[] b = new float[n];
    float[] c = new float[n];
    java.util.Arrays.fill(b, 1f);
    java.util.Arrays.fill(c, 2f);
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < repeats + 1; rep++) {
      long t = System.nanoTime();
      float s = 0.5f + rep;
      for (int i = 0; i < n; i++) {
        a[i] = b[i] + s * c[i];
      }
      double sec = (System.nanoTime() - t) / 1e9;
      if (rep > 0) {
        best = Math.min(best, sec);
      }
    }
    if (a[n / 2] == -1) {
      System.out.println();
    }
    return 3.0 * n * 4 / 1e9 / best;
  }
}
