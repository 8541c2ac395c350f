package io.fedmesh.mesh;

import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.TrainingDefaults;
import io.fedmesh.common.data.Datasets;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.data.DatasetException;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.training.DjlTrainer;
import io.fedmesh.mesh.report.RunSummary;
import io.fedmesh.models.InitialModel;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.operator.validation.ModelResolver;
import io.fedmesh.proto.federation.v1.LocalTraining;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What federation costs: the same model trained centrally on every site's data pooled, with the
 * same optimizer, as many passes over the data as the federated run made (rounds × local epochs,
 * capped), from the same initial model, evaluated on the same test set. The report puts the
 * federated metric beside it.
 */
final class CentralBaseline {
  /** More passes than this add seconds to a long run's end, not information. */
  static final int MAX_EPOCHS = 50;
  /** Samples trained in all: about half a minute of a small network on these machines; beyond, the baseline is skipped. */
  static final long MAX_SAMPLE_PASSES = 250_000;

  private CentralBaseline() {}

  static RunSummary.Baseline train(MeshPlan plan, int roundsDone) throws IOException, DatasetException {
    FederatedTrainingSpec ft = plan.training().getSpec();
    FederatedTrainingSpec.LocalTraining lt = ft.localTraining == null ? new FederatedTrainingSpec.LocalTraining() : ft.localTraining;
    int localEpochs = lt.epochs == null ? TrainingDefaults.EPOCHS : lt.epochs;
    int epochs = Math.max(1, Math.min(MAX_EPOCHS, Math.max(1, roundsDone) * localEpochs));
    // judged from the sites' sample counts, before any file is read: a skipped baseline costs nothing
    long rows = plan.data().samples().stream().mapToLong(Integer::longValue).sum();
    long passes = epochs * rows;
    if (passes > MAX_SAMPLE_PASSES) {
      throw new IllegalStateException(String.format("it would train %,d samples (%d epochs of %,d rows), minutes more than a local run"
          + " spends on it; ./fedmesh bench accuracy compares federated and central training", passes, epochs, rows));
    }
    ModelDescription spec = new ModelResolver(plan.out().resolve("models")).resolve(plan.model().getSpec()).spec();
    String label = lt.labelColumn == null ? TrainingDefaults.LABEL_COLUMN : lt.labelColumn;
    Dataset pooled = pooled(plan, label, spec);
    LocalTraining cfg = LocalTraining.newBuilder().setEpochs(epochs)
        .setBatchSize(lt.batchSize == null ? TrainingDefaults.BATCH_SIZE : lt.batchSize)
        .setLearningRate(lt.effectiveLearningRate())
        .setOptimizer(lt.optimizerName()).build();
    long seed = ft.seed == null ? 42 : ft.seed;
    float[] weights = new DjlTrainer().train(spec, InitialModel.of(spec, seed).weights(), pooled, cfg, seed).weights();
    Evaluation e = ModelEvaluator.evaluate(spec, weights, Datasets.read(plan.data().testSet(), null, label, spec.task()));
    return new RunSummary.Baseline(e.metricName(), Math.round(e.metric() * 10000) / 10000.0, epochs, pooled.rows());
  }

  private static Dataset pooled(MeshPlan plan, String label, ModelDescription spec) throws IOException, DatasetException {
    List<Dataset> parts = new ArrayList<>();
    for (MeshPlan.Site site : plan.sites()) {
      parts.add(Datasets.read(site.dataDir(), null, label, spec.task())); // what the site's agent reads
    }
    return io.fedmesh.common.data.CsvDatasetReader.concat(parts.get(0).source(), parts); // keeps the sample shape
  }
}
