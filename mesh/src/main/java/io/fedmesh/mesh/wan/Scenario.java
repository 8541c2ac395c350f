package io.fedmesh.mesh.wan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WAN scenario for the local mesh, as its YAML file says it (bound by Jackson; checked by
 * {@link ScenarioLoader}): each site's link and compute speed, and a timeline of events.
 * Sites are named as the local mesh names them: site-0, site-1, ...
 */
public final class Scenario {
  /** What a site gets: its link and its compute speed. Null fields take the value from further up. */
  public static final class SiteSpec {
    /** Round-trip time in ms (the proxy delays each direction by half). */
    public Integer rttMs;
    public Double bandwidthMbps;
    /** Each chunk's delay varies by up to this many ms either way (never reordering bytes). */
    public Integer jitterMs;
    /** The site trains each round this many times over (see the agent's --compute-slowdown). */
    public Integer computeSlowdown;
  }

  /** What an event does. */
  public enum Type { bandwidth, partition, leave, join, flap }

  /** One event of the timeline: when (one of atSeconds, atRound, atProgress), what, and to which sites. */
  public static final class Event {
    public Type type;
    /** Seconds after the training was applied. */
    public Double atSeconds;
    /** When this round starts (1: at the start). */
    public Integer atRound;
    /** A fraction of the run's rounds (0.5: half-way), so a scenario fits any --rounds. */
    public Double atProgress;
    /** The sites it applies to; absent: every site. */
    public List<String> sites;
    /** bandwidth: the new bandwidth, or... */
    public Double bandwidthMbps;
    /** ...bandwidth: this factor of each site's current bandwidth (0.5 halves it). */
    public Double factor;
    /** partition: how long the link is cut; flap: how long the flapping lasts (absent: to the end). */
    public Double durationSeconds;
    /** flap: the link goes down once every period... */
    public Double periodSeconds;
    /** ...for this long. */
    public Double downSeconds;
  }

  public String name;
  public String description;
  /** Links given to the sites in turn (site i gets links[i % n]); absent: every site gets {@link #defaults}. */
  public List<SiteSpec> links = new ArrayList<>();
  /** What a site gets where neither links nor sites say otherwise. */
  public SiteSpec defaults;
  /** Per-site settings by name, over links and defaults. */
  public Map<String, SiteSpec> sites = new LinkedHashMap<>();
  public List<Event> events = new ArrayList<>();

  /** A site's resolved settings: every field set. */
  public record Site(String name, int rttMs, double bandwidthMbps, int jitterMs, int computeSlowdown) {
    public WanLink.Profile profile() {
      return new WanLink.Profile(rttMs, bandwidthMbps, jitterMs);
    }
  }

  /** The settings of site {@code index} of the run: sites.NAME over links[index % n] over defaults over calm's own. */
  public Site site(int index) {
    String name = "site-" + index;
    SiteSpec base = links.isEmpty() ? null : links.get(index % links.size());
    SiteSpec own = sites.get(name);
    return new Site(name,
        pick(own == null ? null : own.rttMs, base == null ? null : base.rttMs, defaults == null ? null : defaults.rttMs, 40),
        pick(own == null ? null : own.bandwidthMbps, base == null ? null : base.bandwidthMbps,
            defaults == null ? null : defaults.bandwidthMbps, 100.0),
        pick(own == null ? null : own.jitterMs, base == null ? null : base.jitterMs, defaults == null ? null : defaults.jitterMs, 0),
        pick(own == null ? null : own.computeSlowdown, base == null ? null : base.computeSlowdown,
            defaults == null ? null : defaults.computeSlowdown, 1));
  }

  @SafeVarargs
  private static <T> T pick(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    throw new IllegalStateException("unreachable: the last value is a constant");
  }

  /** The round an event fires at the start of, for a run of {@code rounds}; null for a timed event. */
  public static Integer startRound(Event e, int rounds) {
    if (e.atRound != null) {
      return e.atRound;
    }
    if (e.atProgress != null) {
      return (int) Math.floor(e.atProgress * rounds) + 1; // once that share of the rounds is done
    }
    return null;
  }

  /** The sites an event names, or every site of a run of {@code siteCount}. */
  public static List<String> targets(Event e, int siteCount) {
    if (e.sites != null && !e.sites.isEmpty()) {
      return List.copyOf(e.sites);
    }
    List<String> all = new ArrayList<>();
    for (int i = 0; i < siteCount; i++) {
      all.add("site-" + i);
    }
    return all;
  }

  /** Sites whose first join or leave event (in the file's order) is a join: they are not started with the others. */
  public List<String> joinLater() {
    List<String> late = new ArrayList<>();
    Map<String, Type> first = new LinkedHashMap<>();
    for (Event e : events) {
      if (e.type == Type.join || e.type == Type.leave) {
        for (String s : e.sites == null ? List.<String>of() : e.sites) {
          first.putIfAbsent(s, e.type);
        }
      }
    }
    first.forEach((s, t) -> {
      if (t == Type.join) {
        late.add(s);
      }
    });
    return late;
  }
}
