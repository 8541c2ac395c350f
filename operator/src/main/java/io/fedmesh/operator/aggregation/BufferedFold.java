package io.fedmesh.operator.aggregation;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec.BufferedAsync.StalenessWeighting;
import java.util.ArrayList;
import java.util.List;

/**
 * FedBuff's fold, as updates the ordinary FedAvg mean can take: each buffered update's change
 * (its weights minus the model it was trained from) is damped by its staleness and put on the
 * newest model, {@code global + s(tau) (w - base)}. The sample-weighted mean of those is then
 * {@code global + sum(n_i s_i delta_i) / sum(n_i)}: with every update fresh it is exactly FedAvg,
 * and a stale update moves the model less instead of dragging it back towards an old version.
 * The weights are divided by the samples of all K updates, not by the sum of their staleness
 * weights, so a buffer of stale updates takes a smaller step (FedBuff divides by K likewise).
 */
public final class BufferedFold {
  /** One buffered update, the weights of the version it was trained from, and how many versions behind it is. */
  public record Buffered(ClientUpdate update, float[] base, int staleness) {}

  private BufferedFold() {}

  /** s(tau): Polynomial 1/sqrt(1+tau), Constant 1. */
  public static double weight(StalenessWeighting weighting, int staleness) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness " + staleness + " is negative: an update cannot be newer than the newest version");
    }
    return weighting == StalenessWeighting.Constant ? 1.0 : 1.0 / Math.sqrt(1.0 + staleness);
  }

  /** The updates rebased on {@code global}, each change damped by {@code weight(weighting, staleness)}. */
  public static List<ClientUpdate> rebased(float[] global, List<Buffered> buffered, StalenessWeighting weighting) {
    List<ClientUpdate> out = new ArrayList<>(buffered.size());
    for (Buffered b : buffered) {
      float[] w = b.update().weights();
      if (w.length != global.length || b.base().length != global.length) {
        throw new IllegalArgumentException("update from " + b.update().site() + " has " + w.length + " parameters, its base "
            + b.base().length + ", the model " + global.length);
      }
      double s = weight(weighting, b.staleness());
      float[] moved = new float[global.length];
      for (int i = 0; i < moved.length; i++) {
        moved[i] = (float) (global[i] + s * ((double) w[i] - b.base()[i]));
      }
      ClientUpdate u = b.update();
      out.add(new ClientUpdate(u.site(), moved, u.samples(), u.trainLoss(), u.localMetric(), u.bytes(), u.workSeconds(), u.heldOut()));
    }
    return out;
  }

  /** Each update's share of the fold: n_i s_i / sum(n), in the order given (the round record's weights). */
  public static double[] shares(List<Buffered> buffered, StalenessWeighting weighting) {
    long total = 0;
    for (Buffered b : buffered) {
      total += Math.max(0, b.update().samples());
    }
    double[] shares = new double[buffered.size()];
    for (int k = 0; k < shares.length; k++) {
      Buffered b = buffered.get(k);
      double n = total > 0 ? (double) Math.max(0, b.update().samples()) / total : 1.0 / buffered.size();
      shares[k] = n * weight(weighting, b.staleness());
    }
    return shares;
  }
}
