package io.fedmesh.operator.coordinator;

import io.fedmesh.operator.aggregation.AggregationStrategy;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.NormBound;
import io.fedmesh.operator.aggregation.RunningMean;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.aggregation.WeightedMeanStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The updates one open round accepted. Each update's facts and the norm of its change from the
 * round's global model (measured on arrival, for the norm bound at the close) are kept by site.
 * The weights are either folded at once into one {@link RunningMean} (streaming: the strategy is a
 * {@link WeightedMeanStrategy}, so the round holds one accumulator whatever the number of sites)
 * or kept whole (Median, TrimmedMean and Krum look at every update). An update dropped after it
 * was folded is not subtracted: an outlier's magnitude would leave the others in the
 * accumulator's rounding error. The mean is instead rebuilt from the durable copies of the
 * updates still kept, one at a time, when it is taken. Not thread-safe: the inbox calls it under
 * the round's lock.
 */
public final class RoundUpdates {
  private static final Logger LOG = LoggerFactory.getLogger(RoundUpdates.class);

  /** An accepted update as the round keeps it. */
  record Accepted(UpdateFacts facts, double norm) {}

  /** A closed round's updates: what the records need of each, and their weights in the form the strategy takes. */
  public record Cohort(List<UpdateFacts> facts, RunningMean mean, List<ClientUpdate> updates) {
    /** The next global model: a weighted-mean strategy's step on the folded mean, any other strategy on every update. */
    public float[] aggregate(AggregationStrategy strategy, float[] global) {
      if (mean != null) {
        if (!(strategy instanceof WeightedMeanStrategy w)) {
          throw new IllegalStateException(strategy.getClass().getSimpleName() + " needs every update, the round kept only their mean");
        }
        return w.step(global, mean.mean());
      }
      return strategy.aggregate(global, updates);
    }
  }

  private final float[] global;
  /** By site, sorted: the order a rebuilt mean folds and a list strategy reads. */
  private final Map<String, Accepted> accepted = new TreeMap<>();
  /** Whole weights by site; null when streaming. */
  private final Map<String, float[]> retained;
  /** The running mean; null when retaining. */
  private RunningMean mean;
  /** An update was dropped after it was folded: the mean is rebuilt before it is used. */
  private boolean stale;

  /** @param global the model the round's updates are trained from (kept by reference, never written) */
  RoundUpdates(float[] global, boolean streaming) {
    this.global = global;
    this.retained = streaming ? null : new TreeMap<>();
    this.mean = streaming ? new RunningMean(global.length) : null;
  }

  /** The length of the round's model: every update must have it. */
  int parameters() {
    return global.length;
  }

  /** Takes an update: measures its norm, then folds or keeps its weights. A second update of a site is refused. */
  void add(ClientUpdate u) {
    if (accepted.containsKey(u.site())) {
      throw new IllegalStateException("round already holds the update of " + u.site());
    }
    double norm = NormBound.deltaNorm(global, u.weights()); // refuses a wrong length before anything is kept
    if (retained == null) {
      mean.add(u.site(), u.weights(), u.samples());
    } else {
      retained.put(u.site(), u.weights());
    }
    accepted.put(u.site(), new Accepted(u.facts(), norm));
  }

  boolean contains(String site) {
    return accepted.containsKey(site);
  }

  /** Drops a site's update (refused after acceptance); false when the round holds none of it. */
  boolean drop(String site) {
    if (accepted.remove(site) == null) {
      return false;
    }
    if (retained == null) {
      stale = true;
    } else {
      retained.remove(site);
    }
    return true;
  }

  List<UpdateFacts> facts() {
    return accepted.values().stream().map(Accepted::facts).toList();
  }

  List<NormBound.Measured> norms() {
    return accepted.values().stream().map(a -> new NormBound.Measured(a.facts().site(), a.norm())).toList();
  }

  /**
   * The round's updates for aggregation. A stale mean is rebuilt first from {@code durable} (a
   * site's persisted update); a site whose copy no longer reads back is left out, with a log line,
   * so the facts and the mean always describe the same updates.
   */
  Cohort cohort(Function<String, Optional<ClientUpdate>> durable) {
    if (retained != null) {
      List<ClientUpdate> updates = new ArrayList<>();
      retained.forEach((site, w) -> {
        UpdateFacts f = accepted.get(site).facts();
        updates.add(new ClientUpdate(site, w, f.samples(), f.trainLoss(), f.localMetric(), f.bytes(), f.workSeconds(), f.heldOut()));
      });
      return new Cohort(facts(), null, updates);
    }
    if (stale) {
      rebuild(durable);
    }
    return new Cohort(facts(), mean, null);
  }

  private void rebuild(Function<String, Optional<ClientUpdate>> durable) {
    RunningMean fresh = new RunningMean(global.length);
    for (String site : List.copyOf(accepted.keySet())) {
      Optional<ClientUpdate> u = durable.apply(site).filter(x -> x.weights().length == global.length);
      if (u.isPresent()) {
        fresh.add(site, u.get().weights(), accepted.get(site).facts().samples());
      } else {
        LOG.warn("the accepted update of {} no longer reads back from the durable inbox: it is left out of the round's mean", site);
        accepted.remove(site);
      }
    }
    mean = fresh;
    stale = false;
  }
}
