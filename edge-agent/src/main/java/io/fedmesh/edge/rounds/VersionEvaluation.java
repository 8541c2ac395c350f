package io.fedmesh.edge.rounds;

import io.fedmesh.common.codec.UpdateCodec;
import io.fedmesh.common.codec.UpdateEncoding;
import io.fedmesh.common.data.Dataset;
import io.fedmesh.common.model.Evaluation;
import io.fedmesh.common.model.ModelDescription;
import io.fedmesh.edge.client.CoordinatorClient;
import io.fedmesh.edge.data.DataDirectory;
import io.fedmesh.edge.health.SiteHealth;
import io.fedmesh.edge.link.LinkMonitor;
import io.fedmesh.edge.training.HoldoutSplit;
import io.fedmesh.models.ModelEvaluator;
import io.fedmesh.proto.federation.v1.EvaluationReport;
import io.fedmesh.proto.federation.v1.EvaluationReportResponse;
import io.fedmesh.proto.federation.v1.TrainAssignment;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evaluate-only assignment: one model version evaluated at this site and reported
 * (ReportEvaluation); nothing is trained and nothing uploaded. A learner evaluates on its held-out
 * split (the one {@link RoundTrainer} never trains on), an evaluator site on all of its data.
 */
public final class VersionEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(VersionEvaluation.class);

  private final String site;
  private final CoordinatorClient client;
  private final DataDirectory data;
  private final SiteHealth health;
  private final LinkMonitor link;

  public VersionEvaluation(String site, CoordinatorClient client, DataDirectory data, SiteHealth health, LinkMonitor link) {
    this.site = site;
    this.client = client;
    this.data = data;
    this.health = health;
    this.link = link;
  }

  /**
   * Evaluates the assignment's version, received at {@code receivedNanos}, and reports it; data that
   * cannot be used is reported as an error. Returns once the coordinator answered (a refusal is
   * final); a failed call throws, and the assignment is tried again when next listed.
   */
  public void evaluate(TrainAssignment a, long receivedNanos) {
    ModelDescription spec = ModelDescription.fromProto(a.getModel());
    EvaluationReport.Builder report = EvaluationReport.newBuilder().setTraining(a.getTraining())
        .setModelVersion(a.getModelVersion()).setSiteName(site);
    Dataset d = health.usableFor(spec, () -> data.load(spec.task()));
    double holdout = a.getLocal().getHoldoutFraction();
    String unusable = d == null ? unusableData() : splitProblem(d, holdout);
    if (unusable != null) {
      // reported at once: the operator need not wait for the evaluation's timeout to learn why
      LOG.warn("site {}: cannot evaluate version {} of {}: {}", site, a.getModelVersion(), a.getTraining(), unusable);
      send(a, report.setError(unusable).setSeconds(secondsSince(receivedNanos)).build());
      return;
    }
    CoordinatorClient.Downloaded model = client.download(a.getTraining(), a.getModelVersion(), site);
    if (model.wireBytes() > 0) { // as in RoundTrainer: a confirmed copy moved no bytes, no throughput sample
      link.downloaded(model.wireBytes(), model.seconds());
    }
    float[] weights = UpdateCodec.decode(model.f32(), UpdateEncoding.F32, (int) spec.parameterCount());
    Dataset on = holdout > 0
        ? HoldoutSplit.of(d, holdout, HoldoutSplit.splitSeed(a.getLocal().getSeed(), site)).heldOut() : d;
    Evaluation e = ModelEvaluator.evaluate(spec, weights, on);
    LOG.info("site {}: version {} of {} on {} {} samples: {} {}", site, a.getModelVersion(), a.getTraining(), e.samples(),
        holdout > 0 ? "held-out" : "test", e.metricName(), String.format(Locale.ROOT, "%.4f", e.metric()));
    send(a, report.setMetricName(e.metricName()).setMetric(e.metric()).setLoss(e.loss()).setSamples(e.samples())
        .setSeconds(secondsSince(receivedNanos)).build());
  }

  /** Why the data could not be used, as SiteHealth recorded it when it degraded the site. */
  private String unusableData() {
    String problem = health.problem();
    // empty only when a refresh found the data fixed in between: the read that failed is all there is to say
    return problem.isEmpty() ? "the site's data could not be used" : problem;
  }

  /** Why the held-out split cannot be evaluated; null when it can (or none is asked for). */
  private static String splitProblem(Dataset d, double holdout) {
    if (d.rows() == 0) {
      return "the site's data holds no samples";
    }
    if (holdout > 0 && !(holdout < 1)) {
      return "local.holdout_fraction must be below 1 (got " + holdout + ")";
    }
    if (holdout > 0 && d.rows() < 2) {
      // RoundTrainer holds nothing out of a one-sample site: there is no held-out split to evaluate
      return "the site has 1 sample and holds none out; it has no held-out split to evaluate on";
    }
    return null;
  }

  private void send(TrainAssignment a, EvaluationReport report) {
    EvaluationReportResponse r = client.reportEvaluation(report);
    if (!r.getAccepted()) {
      // final: the coordinator does not take this evaluation from this site, asking again changes nothing
      LOG.warn("site {}: the coordinator refused the evaluation of version {} of {}: {}", site, a.getModelVersion(),
          a.getTraining(), r.getMessage());
    }
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }
}
