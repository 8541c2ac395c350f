package io.fedmesh.operator.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Plans a round to a time target from each site's forecast (EdgeSite status.roundForecast), as
 * Oort does: a site's statistical utility (its samples times its last training loss: sites that
 * still learn much and hold much data help most) is discounted by {@code (target / forecast)^2}
 * when its forecast is over the target, a site forecast beyond {@link #CUT_FACTOR} times the target
 * is left out as a straggler, and a fairness bound brings in every eligible site that has not taken
 * part for {@code fairnessRounds} rounds, whatever its speed. The round's deadline follows from
 * the forecasts of the sites chosen, so a straggler is cut off by its forecast, not waited for.
 * Every site gets the reason it was chosen or left out.
 */
public final class RoundPlanner {
  /** Forecast over this multiple of the target: a straggler, left out unless fairness needs it. */
  static final double CUT_FACTOR = 2.0;
  /** Oort's penalty exponent for sites slower than the target. */
  static final double ALPHA = 2.0;
  /** The deadline's room over the slowest chosen forecast: forecasts err by some tens of percent. */
  static final double DEADLINE_MARGIN = 1.5;

  /** What planning knows of an eligible site; null forecast or loss: not measured yet. */
  public record Site(String name, long samples, Double forecastSeconds, Double lastLoss, int roundsSinceSelected) {}

  /**
   * The plan: the sites chosen, why each eligible site is in or out, and the deadline the chosen
   * forecasts call for.
   */
  public record Plan(List<String> chosen, Map<String, String> reasons, double deadlineSeconds) {}

  /**
   * @param count how many sites the round takes (participants min/max/fraction)
   * @param quorum how many it needs (participants.minSites): stragglers are chosen only to reach it
   * @param targetSeconds the round-time target
   * @param fairnessRounds a site left out this many rounds in a row is chosen; 0: no bound
   * @param seed tie-break between equal sites
   */
  public Plan plan(List<Site> eligible, int count, int quorum, double targetSeconds, int fairnessRounds, long seed) {
    double medianLoss = median(eligible.stream().map(Site::lastLoss).filter(l -> l != null && l > 0).toList(), 1.0);
    Random random = new Random(seed);
    Map<String, Double> utility = new LinkedHashMap<>();
    for (Site s : eligible) {
      double loss = s.lastLoss() != null && s.lastLoss() > 0 ? s.lastLoss() : medianLoss; // unmeasured: explore at the median
      double u = Math.max(1, s.samples()) * loss;
      double t = forecastOf(s, targetSeconds);
      if (t > targetSeconds) {
        u *= Math.pow(targetSeconds / t, ALPHA);
      }
      utility.put(s.name(), u * (1 + 0.01 * random.nextDouble()));
    }
    Map<String, String> reasons = new TreeMap<>();
    List<String> chosen = new ArrayList<>();
    List<Site> byWait = new ArrayList<>(eligible);
    byWait.sort(Comparator.comparingInt(Site::roundsSinceSelected).reversed().thenComparing(Site::name));
    for (Site s : byWait) {
      if (chosen.size() < count && fairnessRounds > 0 && s.roundsSinceSelected() >= fairnessRounds) {
        chosen.add(s.name());
        reasons.put(s.name(), "chosen for fairness: not in the last " + s.roundsSinceSelected() + " rounds (participants.fairnessRounds "
            + fairnessRounds + ")" + forecastText(s));
      }
    }
    List<Site> ranked = new ArrayList<>(eligible);
    ranked.sort(Comparator.comparingDouble((Site s) -> utility.get(s.name())).reversed().thenComparing(Site::name));
    List<Site> stragglers = new ArrayList<>();
    for (Site s : ranked) {
      if (chosen.contains(s.name())) {
        continue;
      }
      if (forecastOf(s, targetSeconds) > CUT_FACTOR * targetSeconds) {
        stragglers.add(s);
        continue;
      }
      if (chosen.size() < count) {
        chosen.add(s.name());
        reasons.put(s.name(), String.format("chosen: utility %.3g%s", utility.get(s.name()), forecastText(s)));
      } else {
        reasons.put(s.name(), String.format("left out: utility %.3g ranks below the %d chosen%s", utility.get(s.name()), count,
            forecastText(s)));
      }
    }
    stragglers.sort(Comparator.comparingDouble((Site s) -> s.forecastSeconds()).thenComparing(Site::name));
    for (Site s : stragglers) {
      if (chosen.size() < Math.min(quorum, count)) { // too few fast sites for the quorum: the fastest stragglers fill it
        chosen.add(s.name());
        reasons.put(s.name(), "chosen although slow: too few sites are forecast within " + CUT_FACTOR + " x the target for the"
            + " quorum of " + quorum + forecastText(s));
      } else {
        reasons.put(s.name(), String.format("left out: a straggler, forecast %.1f s over %.1f x the target %.1f s",
            s.forecastSeconds(), CUT_FACTOR, targetSeconds));
      }
    }
    double slowest = 0;
    for (Site s : eligible) {
      if (chosen.contains(s.name())) {
        slowest = Math.max(slowest, forecastOf(s, targetSeconds));
      }
    }
    chosen.sort(String::compareTo);
    return new Plan(List.copyOf(chosen), reasons, DEADLINE_MARGIN * Math.max(slowest, targetSeconds));
  }

  /**
   * targetSeconds 0: the median of the eligible sites' forecasts, the round time of a typical site,
   * so a site forecast over twice the typical one is a straggler; {@code fallback} while none has a
   * forecast (the first round).
   */
  public static double automaticTarget(List<Site> eligible, double fallback) {
    return median(eligible.stream().map(Site::forecastSeconds).filter(f -> f != null && f > 0).toList(), fallback);
  }

  /** A site's forecast, or the target when it has none yet (a new site is tried, not shunned). */
  static double forecastOf(Site s, double target) {
    return s.forecastSeconds() == null ? target : s.forecastSeconds();
  }

  private static String forecastText(Site s) {
    return s.forecastSeconds() == null ? ", no forecast yet" : String.format(", forecast %.1f s", s.forecastSeconds());
  }

  static double median(List<Double> values, double fallback) {
    if (values.isEmpty()) {
      return fallback;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
