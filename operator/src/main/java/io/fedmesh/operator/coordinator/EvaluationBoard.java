package io.fedmesh.operator.coordinator;

import io.fedmesh.proto.federation.v1.EvaluationReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The evaluations of model versions the rounds asked sites for, and what the sites reported. A
 * report is a peer's numbers: it is taken only from a site asked for that version, once, and only
 * when it is a metric that can be (finite, in range, over at least one sample).
 */
public final class EvaluationBoard {
  /** What one site reported of one version; {@code error} set (and the numbers NaN) when it could not evaluate. */
  public record Report(String site, String metricName, double metric, double loss, long samples, String error, double seconds) {
    public boolean ok() {
      return error == null;
    }
  }

  /** An error message longer than this is cut: a peer does not get to fill the status. */
  static final int MAX_ERROR_CHARS = 500;

  private record Asked(String metricName, Set<String> sites, Map<String, Report> reports) {}

  private final Map<String, Asked> asked = new ConcurrentHashMap<>(); // by training + "@" + version
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** Hears the training ("namespace/name") of every report taken. */
  public void onReport(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** Asks {@code sites} to evaluate {@code version} of {@code training}; their reports must name {@code metricName}. */
  public void ask(String training, String version, String metricName, Set<String> sites) {
    asked.put(key(training, version), new Asked(metricName, Set.copyOf(sites), new ConcurrentHashMap<>()));
  }

  /** The reports taken so far for {@code version}, by site (empty when it was not asked for). */
  public Map<String, Report> reports(String training, String version) {
    Asked a = asked.get(key(training, version));
    return a == null ? Map.of() : new TreeMap<>(a.reports());
  }

  /** Forgets every evaluation of {@code training} (it ended, or the version was decided). */
  public void forget(String training) {
    asked.keySet().removeIf(k -> k.startsWith(training + "@"));
  }

  /**
   * Takes {@code r}, sent by {@code site} (the caller's own name, checked by the service); null
   * when taken (or already taken), else why it was refused.
   */
  public String report(String site, EvaluationReport r) {
    Asked a = asked.get(key(r.getTraining(), r.getModelVersion()));
    if (a == null || !a.sites().contains(site)) {
      return "no evaluation of version " + r.getModelVersion() + " of " + r.getTraining() + " is asked of site " + site;
    }
    if (a.reports().containsKey(site)) {
      return null; // a resend: counted once
    }
    Report report;
    if (!r.getError().isEmpty()) {
      String error = r.getError().length() > MAX_ERROR_CHARS ? r.getError().substring(0, MAX_ERROR_CHARS) + "..." : r.getError();
      report = new Report(site, a.metricName(), Double.NaN, Double.NaN, 0, error, r.getSeconds());
    } else {
      String problem = problem(r, a.metricName());
      if (problem != null) {
        return problem;
      }
      report = new Report(site, a.metricName(), r.getMetric(), r.getLoss(), r.getSamples(), null, r.getSeconds());
    }
    if (a.reports().putIfAbsent(site, report) == null) {
      listeners.forEach(l -> l.accept(r.getTraining()));
    }
    return null;
  }

  /** Why a report's numbers cannot be a metric of this version, or null. */
  static String problem(EvaluationReport r, String metricName) {
    if (!metricName.equals(r.getMetricName())) {
      return "metric_name is '" + r.getMetricName() + "'; this training's metric is " + metricName;
    }
    if (r.getSamples() <= 0) {
      return "samples is " + r.getSamples() + "; an evaluation covers at least one sample";
    }
    if (!Double.isFinite(r.getMetric()) || !Double.isFinite(r.getLoss()) || !Double.isFinite(r.getSeconds())) {
      return "metric, loss and seconds must be finite (got " + r.getMetric() + ", " + r.getLoss() + ", " + r.getSeconds() + ")";
    }
    boolean accuracy = "accuracy".equals(metricName);
    if (r.getMetric() < 0 || (accuracy && r.getMetric() > 1) || r.getLoss() < 0) {
      return metricName + " " + r.getMetric() + " (loss " + r.getLoss() + ") is out of range";
    }
    return null;
  }

  private static String key(String training, String version) {
    return training + "@" + version;
  }
}
