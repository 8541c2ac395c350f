package io.fedmesh.operator.sites;

import io.fedmesh.api.v1alpha1.DatasetRef;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.LinkQuality;
import io.fedmesh.api.v1alpha1.Quantities;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operator knows of one site, gathered from every producer (heartbeats, the liveness
 * monitor, the rounds). Immutable: a producer hands the writer a new value, and the EdgeSite status
 * is a pure function of it ({@link EdgeSiteStatuses}).
 *
 * @param heartbeat the agent's last report, null when no agent has reported to this operator
 * @param offlineAfter set when heartbeats stopped: the silence that made the site Offline
 * @param quarantinedBy the trainings that keep the site out, by namespace/name; null says nothing
 */
public record SiteFacts(Heartbeat heartbeat, Offline offlineAfter, Long roundsCompleted, Long roundsMissed, List<String> assignedLearners,
    Map<String, EdgeSiteStatus.Quarantine> quarantinedBy, io.fedmesh.api.v1alpha1.RoundForecast roundForecast) {
  public static final SiteFacts NONE = new SiteFacts(null, null, null, null, null, null, null);

  /** One heartbeat's facts. */
  public record Heartbeat(Instant at, boolean degraded, String message, String agentVersion, LinkQuality link, Quantities free,
      List<DatasetRef> datasets) {}

  /** Heartbeats stopped: since when, and for how long when it was noticed. */
  public record Offline(Instant lastHeartbeat, long silenceSeconds, boolean neverRegistered) {}

  /** A heartbeat clears an Offline mark: the site is back. */
  public SiteFacts withHeartbeat(Heartbeat hb) {
    return new SiteFacts(hb, null, roundsCompleted, roundsMissed, assignedLearners, quarantinedBy, roundForecast);
  }

  public SiteFacts withOffline(Offline off) {
    return new SiteFacts(heartbeat, off, roundsCompleted, roundsMissed, assignedLearners, quarantinedBy, roundForecast);
  }

  public SiteFacts withReliability(long completed, long missed) {
    return new SiteFacts(heartbeat, offlineAfter, completed, missed, assignedLearners, quarantinedBy, roundForecast);
  }

  public SiteFacts withAssigned(List<String> trainings) {
    return new SiteFacts(heartbeat, offlineAfter, roundsCompleted, roundsMissed, List.copyOf(trainings), quarantinedBy, roundForecast);
  }

  /** A training quarantined this site ({@code q} set) or released it ({@code q} null). */
  public SiteFacts withQuarantine(String training, EdgeSiteStatus.Quarantine q) {
    Map<String, EdgeSiteStatus.Quarantine> all =
        new TreeMap<>(quarantinedBy == null ? Map.of() : quarantinedBy);
    if (q == null) {
      all.remove(training);
    } else {
      all.put(training, q);
    }
    return new SiteFacts(heartbeat, offlineAfter, roundsCompleted, roundsMissed, assignedLearners, Map.copyOf(all), roundForecast);
  }

  /** The site's latest round-time forecast (see RoundTimeForecaster). */
  public SiteFacts withForecast(io.fedmesh.api.v1alpha1.RoundForecast forecast) {
    return new SiteFacts(heartbeat, offlineAfter, roundsCompleted, roundsMissed, assignedLearners, quarantinedBy, forecast);
  }

  /** The phase these facts give, null when they say nothing about it. */
  public String phase() {
    if (offlineAfter != null) {
      return "Offline";
    }
    if (heartbeat != null) {
      return heartbeat.degraded() ? "Degraded" : "Ready";
    }
    return null;
  }
}
