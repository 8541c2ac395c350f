package io.fedmesh.bench.robust;

import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.MlpSpec;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.edge.training.TrainResult;
import io.fedmesh.operator.aggregation.AggregationStrategy;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.aggregation.NormBound;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Federated rounds in one process: every site trains for real with the edge agent's DjlTrainer
 * from the same global model, hostile sites then tamper with what they trained, and the operator's
 * strategy class aggregates. Optionally the operator's norm bound screens the updates first.
 */
public final class FederatedRun {
  /** The final model's held-out accuracy, and how many updates the norm bound refused in all. */
  public record Outcome(double accuracy, int refused) {}

  private final ModelDescription model;
  private final List<Dataset> sites;
  private final Dataset test;
  private final LocalTraining local;
  private final DjlTrainer trainer = new DjlTrainer();

  FederatedRun(MlpSpec model, List<Dataset> sites, Dataset test, LocalTraining local) {
    this(ModelDescription.of(model), sites, test, local);
  }

  /** @param model any network the models module builds (its layout is filled in here) */
  public FederatedRun(ModelDescription model, List<Dataset> sites, Dataset test, LocalTraining local) {
    this.model = model.layout().tensors().isEmpty() ? InitialModel.of(model, 0).description() : model;
    this.sites = sites;
    this.test = test;
    this.local = local;
  }

  /** Clean rounds: every site honest, no screening. */
  public Outcome run(AggregationStrategy strategy, int rounds, long seed) {
    return run(strategy, rounds, Map.of(), false, seed);
  }

  /**
   * @param attacks hostile sites by index; empty for the clean run
   * @param normBound whether the automatic norm bound screens updates before aggregation
   */
  public Outcome run(AggregationStrategy strategy, int rounds, Map<Integer, Attack> attacks, boolean normBound, long seed) {
    float[] global = InitialModel.of(model, seed).weights();
    int refused = 0;
    for (int round = 1; round <= rounds; round++) {
      List<ClientUpdate> updates = new ArrayList<>();
      for (int s = 0; s < sites.size(); s++) {
        TrainResult r = trainer.train(model, global, sites.get(s), local, seed * 1000 + round * 31L + s);
        Attack attack = attacks.get(s);
        float[] sent = attack == null ? r.weights() : attack.apply(global, r.weights());
        updates.add(new ClientUpdate("site-" + s, sent, r.samples(), r.trainLoss(), r.localMetric(), 4L * sent.length));
      }
      if (normBound) {
        NormBound.Screened screened = NormBound.screen(global, updates, null);
        refused += screened.refused().size();
        updates = screened.kept();
      }
      global = strategy.aggregate(global, updates);
    }
    return new Outcome(ModelEvaluator.evaluate(model, global, test).metric(), refused);
  }
}
