package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Refusal;
import io.fedmesh.operator.aggregation.NormBound;
import io.fedmesh.operator.coordinator.Federation;
import io.fedmesh.operator.status.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closing round's refusals: the norm bound screens the accepted updates against the round's
 * global model, and every refusal of the round (the bound's and the coordinator's admission ones,
 * all kept by the inbox) is announced once in a Warning Event on the training and handed to the
 * round record. The round goes on with what is left.
 */
final class RoundRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(RoundRefusals.class);

  private final Federation federation;
  private final EventRecorder events;

  RoundRefusals(Federation federation, EventRecorder events) {
    this.federation = federation;
    this.events = events;
  }

  /**
   * Seals the round (no more updates are taken) and applies the norm bound to the norms the inbox
   * measured on arrival: the updates beyond it are refused on the inbox's record. Returns the sites
   * kept.
   */
  List<String> screen(TrainingRun run, RoundPlan plan) {
    federation.inbox.seal(run.key, plan.round());
    Double bound = run.strategy == null ? null : run.strategy.maxUpdateNorm;
    NormBound.Verdict verdict = NormBound.judge(federation.inbox.norms(run.key, plan.round()), bound);
    for (NormBound.Refused r : verdict.refused()) {
      federation.inbox.refuseAccepted(run.key, plan.round(), r.site(), r.reason());
    }
    return verdict.kept();
  }

  /** Every refusal of the round by site; each announced in an Event the first time it is seen. */
  Map<String, String> announce(FederatedTraining ft, TrainingRun run, int round) {
    Map<String, String> refused = federation.inbox.refusals(run.key, round);
    Set<String> seen = run.announcedRefusals;
    synchronized (seen) {
      seen.removeIf(k -> !k.startsWith(round + "/")); // only the open round's can come again
      for (Map.Entry<String, String> e : refused.entrySet()) {
        if (seen.add(round + "/" + e.getKey())) {
          LOG.warn("{}: round {}: update of {} refused: {}", run.key, round, e.getKey(), e.getValue());
          events.warning(ft, "UpdateRefused", "round " + round + ": site " + e.getKey() + ": " + e.getValue());
        }
      }
    }
    return refused;
  }

  /** Refusals a round record keeps: 50 records of them must stay far below an object's size limit. */
  static final int MAX_RECORDED = 20;

  /**
   * The round record's form: sorted by site, at most {@link #MAX_RECORDED} (the Events name every
   * one), null when nothing was refused (the field stays out of status).
   */
  static List<Refusal> record(Map<String, String> refused) {
    if (refused.isEmpty()) {
      return null;
    }
    List<Refusal> out = new ArrayList<>();
    new java.util.TreeMap<>(refused).forEach((site, reason) -> {
      if (out.size() < MAX_RECORDED) {
        out.add(new Refusal(site, reason));
      }
    });
    return out;
  }
}
