package io.fedmesh.operator.sites;

import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.status.Conditions;
import java.util.ArrayList;
import java.util.List;

/** Pure functions from what is known of a site to its EdgeSite status. */
public final class EdgeSiteStatuses {
  private EdgeSiteStatuses() {}

  /**
   * The status these facts give, starting from {@code current} (a copy the caller may change):
   * fields the facts say nothing about (validation conditions, say) stay as they are.
   */
  public static EdgeSiteStatus apply(SiteFacts facts, EdgeSiteStatus current, Long generation) {
    EdgeSiteStatus previous = current;
    EdgeSiteStatus st = current;
    SiteFacts.Heartbeat hb = facts.heartbeat();
    if (hb != null) {
      st.lastHeartbeat = hb.at().toString();
      st.agentVersion = hb.agentVersion();
      st.measuredLink = hb.link();
      st.free = hb.free();
      st.datasets = hb.datasets() == null ? new ArrayList<>() : new ArrayList<>(hb.datasets());
    }
    if (facts.offlineAfter() != null) {
      SiteFacts.Offline off = facts.offlineAfter();
      st.phase = EdgeSiteStatus.Phase.Offline;
      st.message = off.neverRegistered() ? "no heartbeat for over " + off.silenceSeconds() + "s"
          : "no heartbeat for " + off.silenceSeconds() + "s; the site is left out of rounds until it returns";
      if (off.lastHeartbeat() != null) {
        st.lastHeartbeat = off.lastHeartbeat().toString();
      }
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "Offline", st.message, generation);
    } else if (hb != null) {
      st.phase = hb.degraded() ? EdgeSiteStatus.Phase.Degraded : EdgeSiteStatus.Phase.Ready;
      st.message = hb.degraded() ? hb.message() : "";
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, !hb.degraded(), hb.degraded() ? "Degraded" : "HeartbeatReceived",
          hb.degraded() ? hb.message() : "agent heartbeats arrive", generation);
    }
    if (facts.roundsCompleted() != null) {
      st.roundsCompleted = facts.roundsCompleted();
      st.roundsMissed = facts.roundsMissed();
    }
    if (facts.assignedLearners() != null) {
      st.assignedLearners = new ArrayList<>(facts.assignedLearners());
    }
    if (facts.roundForecast() != null) {
      st.roundForecast = facts.roundForecast();
    }
    if (facts.quarantinedBy() != null) {
      st.quarantinedBy = facts.quarantinedBy().isEmpty() ? null : new ArrayList<>(new java.util.TreeMap<>(facts.quarantinedBy()).values());
    }
    if (hb != null || facts.offlineAfter() != null) {
      st.observedGeneration = generation;
    }
    return st;
  }

  /** The status of a site no agent registered for yet, or whose spec is invalid. */
  public static EdgeSiteStatus validated(EdgeSiteStatus current, List<String> problems, String siteName, Long generation) {
    EdgeSiteStatus previous = current;
    EdgeSiteStatus st = current;
    st.observedGeneration = generation;
    var ready = st.condition(FedmeshApi.CONDITION_READY);
    boolean wasInvalid = ready != null && "ValidationFailed".equals(ready.getReason());
    if (!problems.isEmpty()) {
      if (st.phase == null) {
        st.phase = EdgeSiteStatus.Phase.Pending;
      }
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "ValidationFailed", String.join("; ", problems), generation);
    } else if (st.phase == null || st.phase == EdgeSiteStatus.Phase.Pending) {
      st.phase = EdgeSiteStatus.Phase.Pending;
      st.message = "no agent has registered for this site yet: run the edge agent with --site " + siteName;
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "AwaitingAgent", st.message, generation);
    } else if (wasInvalid) { // spec fixed: the phase the heartbeats gave stands again
      boolean up = st.phase == EdgeSiteStatus.Phase.Ready;
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, up, up ? "HeartbeatReceived" : st.phase.name(),
          up ? "agent heartbeats arrive" : st.message, generation);
    }
    return st;
  }

}
