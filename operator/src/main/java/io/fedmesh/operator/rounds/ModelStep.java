package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.common.codec.Digests;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.OperatorMetrics;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.aggregation.StatefulStrategy;
import io.fedmesh.operator.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What a closed round does to the model: aggregate, guard against divergence, evaluate, checkpoint. */
final class ModelStep {
  /** The new model, or why it cannot be kept ({@code diverged} set, nothing saved). */
  record Result(float[] global, String version, String digest, Evaluation evaluation, Path checkpoint, double trainLoss, long samples,
      String diverged) {}

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
    Evaluation eval = run.evaluation != null ? ModelEvaluator.evaluate(run.model, aggregated, run.evaluation)
        : new Evaluation(run.model.task().metricName(), weightedMean(updates, false), trainLoss, samples);
    String version = run.name + "-r" + round;
    String digest = Digests.sha256(aggregated);
    if (run.aggregator instanceof StatefulStrategy stateful) { // before the model: a saved model always has its state
      stateful.state().ifPresent(state -> checkpoints.saveState(run.namespace, run.name, version, state));
    }
    checkpoints.saveModel(run.namespace, run.name, run.model); // lets `fedmesh export` rebuild the network from the checkpoints alone
    Path saved = checkpoints.save(run.namespace, run.name,
        CheckpointStore.Meta.of(version, round, digest, eval.metricName(), eval.metric(), run.model.layout()), aggregated);
    return new Result(aggregated, version, digest, eval, saved, trainLoss, samples, null);
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
