package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.codec.SparseDelta;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.rounds.ErrorFeedback;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.edge.training.TrainResult;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.FedAvgStrategy;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Top-k updates with error feedback learn real data nearly as well as dense ones, at a fraction of
 * the bytes, and the feedback is what makes them learn: the digits of {@link TabularDefaultsLearnTest}
 * (4 sites, Dirichlet 0.5, the defaults), each site sending FRACTION of its delta the way the agent
 * and the coordinator do (the agent's {@link ErrorFeedback}, the base plus the sparse delta, FedAvg).
 */
class TopKLearnTest {
  static final int ROUNDS = 15;
  static final double FRACTION = 0.05;

  @Test
  void topKWithErrorFeedbackComesNearDenseAndFarAboveTopKWithout() throws IOException {
    TabularDefaultsLearnTest.Setup setup = TabularDefaultsLearnTest.Setup.digits4();
    List<Dataset> sites = setup.sites();
    Dataset test = setup.test();
    ModelDescription mlp = setup.mlp();
    LocalTraining cfg = setup.defaults();

    double dense = federated(mlp, sites, test, cfg, null);
    double withFeedback = federated(mlp, sites, test, cfg, new ErrorFeedback[] {new ErrorFeedback(), new ErrorFeedback(),
        new ErrorFeedback(), new ErrorFeedback()});
    double without = federated(mlp, sites, test, cfg, new ErrorFeedback[4]);
    String all = String.format("dense %.3f, top-%s%% with error feedback %.3f, without %.3f", dense, FRACTION * 100, withFeedback,
        without);
    System.out.println("TopKLearnTest: " + all);
    assertThat(withFeedback).as(all).isGreaterThanOrEqualTo(dense - 0.03);
    assertThat(withFeedback).as(all).isGreaterThan(without + 0.03);
  }

  /**
   * @param feedback null: dense updates; else top-k per site, through the site's feedback where it has one (an
   *     element null: a fresh one every round, so nothing is carried over)
   */
  static double federated(ModelDescription d, List<Dataset> sites, Dataset test, LocalTraining cfg, ErrorFeedback[] feedback) {
    float[] global = InitialModel.of(d, 42).weights();
    int k = SparseDelta.valuesFor(global.length, FRACTION);
    for (int round = 1; round <= ROUNDS; round++) {
      List<ClientUpdate> updates = new ArrayList<>();
      for (int s = 0; s < sites.size(); s++) {
        TrainResult r = new DjlTrainer().train(d, global, sites.get(s), cfg, round * 31L + s);
        float[] weights = r.weights();
        if (feedback != null) {
          ErrorFeedback site = feedback[s] != null ? feedback[s] : new ErrorFeedback();
          ErrorFeedback.Sparse sparse = site.encode("digits", global, weights, k);
          weights = global.clone();
          SparseDelta.addTo(weights, sparse.bytes(), sparse.values()); // what the coordinator rebuilds
        }
        updates.add(new ClientUpdate("site-" + s, weights, r.samples(), r.trainLoss(), r.localMetric(), 0));
      }
      global = FedAvgStrategy.weightedMean(global.length, updates);
    }
    return ModelEvaluator.evaluate(d, global, test).metric();
  }
}
