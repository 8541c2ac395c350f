package io.fedmesh.edge.training;

import io.fedmesh.common.data.Dataset;
import java.util.Arrays;
import java.util.Random;

/**
 * A site's data split into what it trains on and what it holds out to evaluate the global model
 * (federated evaluation). The split depends only on the seed and the data, so every round of a
 * training holds out the same samples and no held-out sample is ever trained on.
 */
public record HoldoutSplit(Dataset train, Dataset heldOut) {

  /**
   * The seed of a site's split: the training's and the site's, the same every round. Training and
   * evaluate-only assignments both take it, so a site's held-out samples are the same for both.
   */
  public static long splitSeed(long trainingSeed, String site) {
    return trainingSeed * 31 + site.hashCode();
  }

  /**
   * @param fraction of the samples to hold out, above 0 and below 1; at least one sample is held out
   *     and at least one trained on (a one-sample site holds nothing out)
   */
  public static HoldoutSplit of(Dataset data, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("holdout fraction must be above 0 and below 1 (got " + fraction + ")");
    }
    int n = data.rows();
    int held = (int) Math.min(n - 1L, Math.max(1L, Math.round(n * fraction)));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] heldIdx = Arrays.copyOfRange(order, 0, Math.max(0, held));
    int[] trainIdx = Arrays.copyOfRange(order, Math.max(0, held), n);
    Arrays.sort(heldIdx);
    Arrays.sort(trainIdx);
    return new HoldoutSplit(data.select(data.source(), trainIdx), data.select(data.source(), heldIdx));
  }
}
