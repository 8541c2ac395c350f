package io.fedmesh.operator.acquisition;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.models.ModelEvaluator;
import java.util.List;
import java.util.Random;

/**
 * How weak the model is in each region, through DJL (the models module): {@link #error} the mean
 * squared error of the current model on the simulation samples that fall in the region;
 * {@link #uncertainty} the mean variance, over candidate points in the region, of the
 * predictions of an ensemble of recent model versions. A region with nothing to judge it by
 * scores NaN.
 */
public final class RegionScores {
  /** Candidate points drawn per region for the ensemble's spread. */
  static final int CANDIDATES_PER_REGION = 64;

  private RegionScores() {}

  /**
   * Per region, the mean over the swept parameters of the squared error of the samples in that
   * region's interval of the parameter (its marginal bins): every bin holds about 1/bins of the
   * samples, so a region no sample has visited yet is still judged, and its score is high where
   * the model errs along any of its intervals. NaN only when a bin holds no sample at all.
   *
   * @param columns the data's column of each swept parameter (sweep order); see {@link #columns}
   */
  public static double[] error(ModelDescription model, float[] weights, Dataset data, Regions regions, int[] columns) {
    float[] predicted = ModelEvaluator.predict(model, weights, data.x(), data.rows());
    int params = columns.length;
    int bins = regions.bins();
    double[][] sum = new double[params][bins];
    long[][] count = new long[params][bins];
    int f = data.features();
    for (int r = 0; r < data.rows(); r++) {
      double e = predicted[r] - data.y()[r];
      for (int j = 0; j < params; j++) {
        int bin = regions.bin(j, data.x()[r * f + columns[j]]);
        if (bin >= 0) {
          sum[j][bin] += e * e;
          count[j][bin]++;
        }
      }
    }
    double[] out = new double[regions.all().size()];
    for (int i = 0; i < out.length; i++) {
      double total = 0;
      int rest = i;
      for (int j = 0; j < params; j++) {
        int bin = rest % bins;
        rest /= bins;
        total += count[j][bin] == 0 ? Double.NaN : sum[j][bin] / count[j][bin];
      }
      out[i] = params == 0 ? Double.NaN : total / params;
    }
    return out;
  }

  /**
   * Candidates are rows of {@code data} (so the inputs that are not swept, such as a sensor's place
   * and time, stay realistic) with the swept columns redrawn uniformly inside the region.
   *
   * @param ensemble at least two weight vectors of {@code model}
   */
  public static double[] uncertainty(ModelDescription model, List<float[]> ensemble, Dataset data, Regions regions, int[] columns,
      long seed) {
    if (ensemble.size() < 2) {
      throw new IllegalArgumentException("an ensemble's spread needs at least two model versions (got " + ensemble.size() + ")");
    }
    int f = data.features();
    int n = regions.all().size() * CANDIDATES_PER_REGION;
    float[] x = new float[n * f];
    Random random = new Random(seed);
    List<String> names = regions.parameterNames();
    for (Regions.Region region : regions.all()) {
      for (int c = 0; c < CANDIDATES_PER_REGION; c++) {
        int o = (region.index() * CANDIDATES_PER_REGION + c) * f;
        System.arraycopy(data.x(), random.nextInt(data.rows()) * f, x, o, f);
        for (int j = 0; j < columns.length; j++) {
          double[] b = region.bounds().get(names.get(j));
          x[o + columns[j]] = (float) (b[0] + (b[1] - b[0]) * random.nextDouble());
        }
      }
    }
    double[][] predictions = new double[ensemble.size()][];
    for (int m = 0; m < ensemble.size(); m++) {
      float[] p = ModelEvaluator.predict(model, ensemble.get(m), x, n);
      predictions[m] = new double[n];
      for (int i = 0; i < n; i++) {
        predictions[m][i] = p[i];
      }
    }
    double[] out = new double[regions.all().size()];
    for (int i = 0; i < n; i++) {
      double mean = 0;
      for (double[] p : predictions) {
        mean += p[i];
      }
      mean /= predictions.length;
      double var = 0;
      for (double[] p : predictions) {
        var += (p[i] - mean) * (p[i] - mean);
      }
      out[i / CANDIDATES_PER_REGION] += var / (predictions.length - 1) / CANDIDATES_PER_REGION;
    }
    return out;
  }

  /** The column of each swept parameter in {@code data}, or an error naming the missing one. */
  public static int[] columns(Dataset data, Regions regions) {
    List<String> names = regions.parameterNames();
    int[] out = new int[names.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = data.featureNames().indexOf(names.get(j));
      if (out[j] < 0) {
        throw new IllegalArgumentException("the simulation samples have no column '" + names.get(j) + "' (they have "
            + data.featureNames() + "): a guided acquisition needs every swept parameter as a feature column");
      }
    }
    return out;
  }

  /** The index of the highest score (NaN scores never win), or -1 when every score is NaN. */
  public static int worst(double[] scores) {
    int best = -1;
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isNaN(scores[i]) && (best < 0 || scores[i] > scores[best])) {
        best = i;
      }
    }
    return best;
  }
}
