package io.fedmesh.mesh.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * summary.json of a local mesh run: exactly these top-level keys. history has every round (from a
 * {@link RunRecord}, not the capped status); missingRounds appears only when some round was never seen.
 */
@JsonPropertyOrder({"phase", "roundsCompleted", "metric", "centralBaseline", "serving", "history", "sites", "bytesMoved", "wallSeconds",
    "bursts", "missingRounds", "bufferedAsync"})
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record RunSummary(String phase, int roundsCompleted, Metric metric, List<Round> history, List<Site> sites, long bytesMoved,
    double wallSeconds, List<Burst> bursts, List<Integer> missingRounds, Baseline centralBaseline, Serving serving,
    FederatedTrainingStatus.BufferedAsyncProgress bufferedAsync) {

  public RunSummary(String phase, int roundsCompleted, Metric metric, List<Round> history, List<Site> sites, long bytesMoved,
      double wallSeconds, List<Burst> bursts, List<Integer> missingRounds) {
    this(phase, roundsCompleted, metric, history, sites, bytesMoved, wallSeconds, bursts, missingRounds, null, null, null);
  }

  /**
   * What a serving site answered at the end of the run: the version it served, the inference
   * requests sent (one test sample each) and the accuracy (classification) or mse (regression)
   * of its predictions; matchesExport: the share of answers equal to what the exported model
   * (OUT/model) predicts for the same sample, when the served version is the exported one.
   */
  @JsonPropertyOrder({"site", "version", "requests", "accuracy", "mse", "matchesExport", "seconds"})
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Serving(String site, String version, int requests, Double accuracy, Double mse, Double matchesExport, double seconds) {}

  public RunSummary withServing(Serving s) {
    return new RunSummary(phase, roundsCompleted, metric, history, sites, bytesMoved, wallSeconds, bursts, missingRounds, centralBaseline, s, bufferedAsync);
  }

  /** The same model trained centrally on the pooled site data: what federation is measured against. */
  public record Baseline(String metric, double value, int epochs, long samples) {}

  public RunSummary withCentralBaseline(Baseline b) {
    return new RunSummary(phase, roundsCompleted, metric, history, sites, bytesMoved, wallSeconds, bursts, missingRounds, b, serving, bufferedAsync);
  }

  /**
   * One simulation burst of a run with --hpc (absent otherwise); region, score and reason: where
   * the training's acquisition placed it and why (status.burstPlacements; null when not recorded).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Burst(String name, int tasks, int succeeded, int failed, double makespanSeconds, double utilization, String mode,
      String phase, long producedSamples, String region, Double score, String reason) {
    public Burst(String name, int tasks, int succeeded, int failed, double makespanSeconds, double utilization, String mode,
        String phase, long producedSamples) {
      this(name, tasks, succeeded, failed, makespanSeconds, utilization, mode, phase, producedSamples, null, null, null);
    }
  }

  public RunSummary withBursts(List<Burst> list) {
    return new RunSummary(phase, roundsCompleted, metric, history, sites, bytesMoved, wallSeconds, list, missingRounds, centralBaseline,
        serving, bufferedAsync);
  }

  /**
   * The final global evaluation; for a regression also the test set's label variance (the MSE of
   * always predicting its mean) and r2 = 1 - mse / labelVariance, the share of the variance explained.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Metric(String name, Double value, Double labelVariance, Double r2) {
    public Metric(String name, Double value) {
      this(name, value, null, null);
    }
  }

  /** The same summary with the test set's label variance beside an mse metric, and its r2. */
  public RunSummary withLabelVariance(double variance) {
    if (metric == null || metric.value() == null || !"mse".equals(metric.name()) || !(variance > 0)) {
      return this;
    }
    double r2 = Math.round((1 - metric.value() / variance) * 10000) / 10000.0;
    return new RunSummary(phase, roundsCompleted, new Metric(metric.name(), metric.value(), variance, r2), history, sites, bytesMoved,
        wallSeconds, bursts, missingRounds, centralBaseline, serving, bufferedAsync);
  }

  /** One round: participants is the number of sites whose updates were aggregated. */
  @JsonPropertyOrder({"round", "participants", "loss", "metric", "bytes", "seconds"})
  /**
   * One round; overheadSeconds: its time beyond the slowest site's own work (null when not measured);
   * siteMetrics: each aggregated site's own metric, by site (null when none reported one);
   * heldOutMetric: federated evaluation of the round's model by the next round's sites on their
   * held-out data (null for the last round, or without federated evaluation); staleness and
   * foldWeights: BufferedAsync's per-site record of the version (absent otherwise); selection: in
   * planned rounds (--round-target), why each eligible site was chosen or left out; encodings:
   * each selected site's update encoding, its bytes and why.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Round(int round, int participants, Double loss, Double metric, long bytes, double seconds, Double overheadSeconds,
      java.util.Map<String, Double> siteMetrics, Double heldOutMetric, java.util.Map<String, Integer> staleness,
      java.util.Map<String, Double> foldWeights, java.util.Map<String, String> selection, java.util.Map<String, String> encodings) {}

  /** A site and its final phase. */
  public record Site(String name, String phase) {}

  /** From the status alone: its history is capped at {@link FederatedTrainingStatus#MAX_HISTORY} rounds. */
  public static RunSummary of(FederatedTraining ft, List<EdgeSite> sites, double wallSeconds) {
    RunRecord record = new RunRecord();
    record.observe(ft.getStatus());
    return of(ft, record, sites, wallSeconds);
  }

  /** With every round the record kept; {@code ft} gives the final phase, metric and bytesMoved. */
  public static RunSummary of(FederatedTraining ft, RunRecord record, List<EdgeSite> sites, double wallSeconds) {
    FederatedTrainingStatus st = ft.getStatus() == null ? new FederatedTrainingStatus() : ft.getStatus();
    record.observe(st);
    List<Round> rounds = record.rounds().stream()
        .map(h -> new Round(h.round, h.participants == null ? 0 : h.participants.size(), h.loss, h.metric,
            h.bytes == null ? 0 : h.bytes, h.seconds == null ? 0 : h.seconds, h.overheadSeconds, h.siteMetrics, h.heldOutMetric,
            h.staleness, h.foldWeights, h.selection, h.encodings))
        .toList();
    List<Site> siteList = sites.stream()
        .map(s -> new Site(s.getMetadata().getName(), s.getStatus() == null || s.getStatus().phase == null ? "Pending"
            : s.getStatus().phase.name()))
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .toList();
    return new RunSummary(st.phase == null ? "Pending" : st.phase.name(), st.round == null ? 0 : st.round,
        st.metric == null ? new Metric(null, null) : new Metric(st.metric.name, st.metric.value), rounds, siteList,
        st.bytesMoved == null ? 0 : st.bytesMoved, Math.round(wallSeconds * 100) / 100.0, null,
        record.missingRounds().isEmpty() ? null : record.missingRounds(), null, null, st.bufferedAsync);
  }

  public void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }
}
