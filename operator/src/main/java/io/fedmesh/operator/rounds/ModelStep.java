package io.fedmesh.operator.rounds;

import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.aggregation.StatefulStrategy;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a closed round does to the model: aggregate and guard against divergence ({@link #apply}),
 * then, once the version's metric is known, checkpoint it ({@link #keep}). The operator computes
 * no metric itself: without an evaluator site the metric is the sites' own, averaged.
 */
final class ModelStep {
  /** The new model, or why it cannot be kept ({@code diverged} set, nothing saved); {@code checkpoint} null until kept. */
  record Result(float[] global, String version, String digest, Evaluation evaluation, Path checkpoint, double trainLoss, long samples,
      String diverged) {
    /** The same model with the evaluator's metric in place of the sites' average. */
    Result evaluatedAs(Evaluation central) {
      return new Result(global, version, digest, central, checkpoint, trainLoss, samples, diverged);
    }
  }

  private final CheckpointStore checkpoints;
  private final OperatorMetrics metrics;

  ModelStep(CheckpointStore checkpoints, OperatorMetrics metrics) {
    this.checkpoints = checkpoints;
    this.metrics = metrics;
  }

  /** A step from updates held whole (BufferedAsync's rebased ones): the run's strategy aggregates them. */
  Result apply(TrainingRun run, int round, List<ClientUpdate> updates) {
    return apply(run, round, updates.stream().map(ClientUpdate::facts).toList(), () -> run.aggregator.aggregate(run.global, updates));
  }

  /**
   * @param updates what the records need of the updates aggregated
   * @param aggregate the next global model from them (a folded mean's step, or a strategy over every update)
   */
  Result apply(TrainingRun run, int round, List<UpdateFacts> updates, java.util.function.Supplier<float[]> aggregate) {
    long t0 = System.nanoTime();
    float[] aggregated = aggregate.get();
    metrics.aggregation().record(Duration.ofNanos(System.nanoTime() - t0));
    long samples = updates.stream().mapToLong(UpdateFacts::samples).sum();
    double trainLoss = weightedMean(updates, true);
    String diverged = divergence(aggregated, updates);
    if (diverged != null) {
      return new Result(null, null, null, null, null, trainLoss, samples, diverged);
    }
    Evaluation eval = new Evaluation(run.model.task().metricName(), weightedMean(updates, false), trainLoss, samples);
    return new Result(aggregated, run.name + "-r" + round, Digests.sha256(aggregated), eval, null, trainLoss, samples, null);
  }

  /** Checkpoints {@code r} (with the strategy's state, before the weights: a saved model always has its state). */
  Result keep(TrainingRun run, int round, Result r) {
    if (run.aggregator instanceof StatefulStrategy stateful) {
      stateful.state().ifPresent(state -> checkpoints.saveState(run.namespace, run.name, r.version(), state));
    }
    checkpoints.saveModel(run.namespace, run.name, run.model); // lets `fedmesh export` rebuild the network from the checkpoints alone
    Evaluation eval = r.evaluation();
    Path saved = checkpoints.save(run.namespace, run.name,
        CheckpointStore.Meta.of(r.version(), round, r.digest(), eval.metricName(), eval.metric(), run.model.layout()), r.global());
    return new Result(r.global(), r.version(), r.digest(), eval, saved, r.trainLoss(), r.samples(), null);
  }

  /**
   * Checkpoints the initial version (round 0) once: a site that holds it can then be sent the next
   * version as a patch of it (the coordinator makes patches from the checkpoints), and BufferedAsync
   * serves it to a site still training from it after the first fold.
   */
  void checkpointInitial(TrainingRun run) {
    if (!run.version.equals(run.name + "-r0") || checkpoints.meta(run.namespace, run.name, run.version).isPresent()) {
      return;
    }
    checkpoints.saveModel(run.namespace, run.name, run.model);
    checkpoints.save(run.namespace, run.name, CheckpointStore.Meta.of(run.version, 0, Digests.sha256(run.global),
        run.model.task().metricName(), null, run.model.layout()), run.global);
  }

  /** Why a round's result cannot be kept (non-finite weights or losses), or null when it can. */
  static String divergence(float[] model, List<UpdateFacts> updates) {
    for (UpdateFacts u : updates) {
      if (!Double.isFinite(u.trainLoss())) {
        return "site " + u.site() + " reported a non-finite training loss (" + u.trainLoss() + ")";
      }
    }
    for (int i = 0; i < model.length; i++) {
      if (!Float.isFinite(model[i])) {
        return "the aggregated model has a non-finite weight (index " + i + " is " + model[i] + ")";
      }
    }
    return null;
  }

  private static double weightedMean(List<UpdateFacts> updates, boolean loss) {
    double sum = 0;
    long n = 0;
    for (UpdateFacts u : updates) {
      long w = Math.max(1, u.samples());
      sum += w * (loss ? u.trainLoss() : u.localMetric());
      n += w;
    }
    return n == 0 ? 0 : sum / n;
  }
}
