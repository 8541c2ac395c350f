package io.fedmesh.mesh.wan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What makes a scenario hold together: bounds on every field, and the fields each event type takes. */
final class ScenarioChecks {
  static final int MAX_RTT_MS = 10_000;
  static final double MAX_BANDWIDTH_MBPS = 100_000;
  static final int MAX_SLOWDOWN = io.fedmesh.edge.training.ComputeSlowdown.MAX_FACTOR;
  private static final Pattern SITE = Pattern.compile("^site-(0|[1-9][0-9]{0,2})$");

  private ScenarioChecks() {}

  static List<String> problems(Scenario s) {
    List<String> p = new ArrayList<>();
    if (s.name == null || s.name.isBlank()) {
      p.add("name is missing: give the scenario a name (it heads the report)");
    }
    if (s.defaults != null) {
      site("defaults", s.defaults, p);
    }
    for (int i = 0; i < s.links.size(); i++) {
      site("links[" + i + "]", s.links.get(i), p);
    }
    for (Map.Entry<String, Scenario.SiteSpec> e : s.sites.entrySet()) {
      if (!SITE.matcher(e.getKey()).matches()) {
        p.add("sites." + e.getKey() + ": not a local mesh site name: use site-0, site-1, ...");
      }
      site("sites." + e.getKey(), e.getValue(), p);
    }
    for (int i = 0; i < s.events.size(); i++) {
      event("events[" + i + "]", s.events.get(i), p);
    }
    return p;
  }

  /** Problems of running {@code s} with {@code siteCount} sites and {@code rounds} rounds. */
  static List<String> problemsFor(Scenario s, int siteCount, int rounds) {
    List<String> p = new ArrayList<>();
    String range = "this run has " + siteCount + " site" + (siteCount == 1 ? "" : "s") + " (site-0 to site-" + (siteCount - 1) + ")";
    for (String name : s.sites.keySet()) {
      if (index(name) >= siteCount) {
        p.add("sites." + name + ": " + range + ": raise --sites or drop it");
      }
    }
    for (int i = 0; i < s.events.size(); i++) {
      Scenario.Event e = s.events.get(i);
      for (String name : e.sites == null ? List.<String>of() : e.sites) {
        if (SITE.matcher(name).matches() && index(name) >= siteCount) {
          p.add("events[" + i + "].sites: " + name + " is not in the run, " + range + ": raise --sites or drop it");
        }
      }
      if (e.atRound != null && e.atRound > rounds) {
        p.add("events[" + i + "].atRound " + e.atRound + " is after the last round " + rounds + ": lower it or raise --rounds");
      }
    }
    if (s.joinLater().size() >= siteCount) {
      p.add("every site joins later (a join before any leave): let at least one site start with the run");
    }
    return p;
  }

  private static int index(String site) {
    return Integer.parseInt(site.substring("site-".length()));
  }

  private static void site(String at, Scenario.SiteSpec s, List<String> p) {
    if (s == null) {
      p.add(at + " is empty: give rttMs, bandwidthMbps, jitterMs or computeSlowdown, or drop it");
      return;
    }
    if (s.rttMs != null && (s.rttMs < 0 || s.rttMs > MAX_RTT_MS)) {
      p.add(at + ".rttMs must be between 0 and " + MAX_RTT_MS + " (got " + s.rttMs + ")");
    }
    if (s.bandwidthMbps != null && !(s.bandwidthMbps > 0 && s.bandwidthMbps <= MAX_BANDWIDTH_MBPS)) {
      p.add(at + ".bandwidthMbps must be above 0 and at most " + (long) MAX_BANDWIDTH_MBPS + " (got " + s.bandwidthMbps
          + "); a link that is down is a partition event");
    }
    if (s.jitterMs != null && (s.jitterMs < 0 || s.jitterMs > MAX_RTT_MS)) {
      p.add(at + ".jitterMs must be between 0 and " + MAX_RTT_MS + " (got " + s.jitterMs + ")");
    }
    if (s.computeSlowdown != null && (s.computeSlowdown < 1 || s.computeSlowdown > MAX_SLOWDOWN)) {
      p.add(at + ".computeSlowdown must be between 1 (full speed) and " + MAX_SLOWDOWN + " (got " + s.computeSlowdown + ")");
    }
  }

  private static void event(String at, Scenario.Event e, List<String> p) {
    if (e == null) {
      p.add(at + " is empty: give its type and when (atSeconds, atRound or atProgress)");
      return;
    }
    if (e.type == null) {
      p.add(at + ".type is missing: use bandwidth, partition, leave, join or flap");
      return;
    }
    int whens = (e.atSeconds == null ? 0 : 1) + (e.atRound == null ? 0 : 1) + (e.atProgress == null ? 0 : 1);
    if (whens != 1) {
      p.add(at + ": give exactly one of atSeconds, atRound and atProgress (got " + whens + ")");
    }
    if (e.atSeconds != null && !(e.atSeconds >= 0 && e.atSeconds <= 86_400)) {
      p.add(at + ".atSeconds must be between 0 and 86400 (got " + e.atSeconds + ")");
    }
    if (e.atRound != null && e.atRound < 1) {
      p.add(at + ".atRound must be 1 or more: 1 is the start of the first round (got " + e.atRound + ")");
    }
    if (e.atProgress != null && !(e.atProgress >= 0 && e.atProgress < 1)) {
      p.add(at + ".atProgress must be at least 0 and below 1, the share of rounds done (0.5: half-way; got " + e.atProgress + ")");
    }
    if (e.sites != null) {
      for (String s : e.sites) {
        if (s == null || !SITE.matcher(s).matches()) {
          p.add(at + ".sites: " + s + " is not a local mesh site name: use site-0, site-1, ... (or drop sites for every site)");
        }
      }
    }
    switch (e.type) {
      case bandwidth -> {
        if ((e.bandwidthMbps == null) == (e.factor == null)) {
          p.add(at + ": a bandwidth event takes exactly one of bandwidthMbps (the new value) and factor (of the current one)");
        }
        if (e.bandwidthMbps != null && !(e.bandwidthMbps > 0 && e.bandwidthMbps <= MAX_BANDWIDTH_MBPS)) {
          p.add(at + ".bandwidthMbps must be above 0 and at most " + (long) MAX_BANDWIDTH_MBPS + " (got " + e.bandwidthMbps
              + "); a link that is down is a partition event");
        }
        if (e.factor != null && !(e.factor > 0 && e.factor <= 100)) {
          p.add(at + ".factor must be above 0 and at most 100 (0.5 halves the bandwidth; got " + e.factor + ")");
        }
        only(at, e, p, "bandwidthMbps", "factor");
      }
      case partition -> {
        if (e.durationSeconds == null || !(e.durationSeconds > 0)) {
          p.add(at + ".durationSeconds is needed and above 0 for a partition: how long the link stays cut (a site gone for good is"
              + " a leave event)");
        }
        only(at, e, p, "durationSeconds");
      }
      case flap -> {
        if (e.periodSeconds == null || !(e.periodSeconds > 0)) {
          p.add(at + ".periodSeconds is needed and above 0 for a flap: the link goes down once every period");
        }
        if (e.downSeconds == null || !(e.downSeconds > 0) || (e.periodSeconds != null && e.downSeconds >= e.periodSeconds)) {
          p.add(at + ".downSeconds is needed, above 0 and below periodSeconds for a flap: how long each outage lasts");
        }
        if (e.durationSeconds != null && !(e.durationSeconds > 0)) {
          p.add(at + ".durationSeconds must be above 0 (how long the flapping lasts), or absent to flap to the end");
        }
        only(at, e, p, "periodSeconds", "downSeconds", "durationSeconds");
      }
      case leave, join -> {
        if (e.sites == null || e.sites.isEmpty()) {
          p.add(at + ".sites is needed for a " + e.type + " event: name the sites that " + e.type);
        }
        only(at, e, p);
      }
    }
  }

  /** The type-specific fields set that the event's type does not take. */
  private static void only(String at, Scenario.Event e, List<String> p, String... allowed) {
    List<String> ok = List.of(allowed);
    Map<String, Object> given = new java.util.LinkedHashMap<>();
    given.put("bandwidthMbps", e.bandwidthMbps);
    given.put("factor", e.factor);
    given.put("durationSeconds", e.durationSeconds);
    given.put("periodSeconds", e.periodSeconds);
    given.put("downSeconds", e.downSeconds);
    given.forEach((field, value) -> {
      if (value != null && !ok.contains(field)) {
        p.add(at + "." + field + ": a " + e.type + " event does not take it: drop it");
      }
    });
  }
}
