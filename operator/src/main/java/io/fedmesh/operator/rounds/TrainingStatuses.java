package io.fedmesh.operator.rounds;

import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.Phase;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.operator.status.Conditions;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure functions from a training's state to its status. Each takes the status to change (a copy)
 * and the status as last observed (for condition transition times) and returns the changed copy.
 */
public final class TrainingStatuses {
  /** The second condition a training carries: whether the spec it runs with is the one in the resource. */
  public static final String CONDITION_SPEC_ACCEPTED = "SpecAccepted";
  /** Why a training stopped before spec.rounds: the next round would exceed spec.privacy.epsilonBudget. */
  public static final String PRIVACY_BUDGET_EXHAUSTED = "PrivacyBudgetExhausted";

  private TrainingStatuses() {}

  static FederatedTrainingStatus waitingForSites(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      int eligible, int minSites) {
    st.phase = st.round == null || st.round == 0 ? Phase.Pending : Phase.Running;
    st.activeSites = eligible;
    st.currentParticipants = new ArrayList<>();
    ready(st, previous, ft, false, "NoEligibleSites", "spec.participants: " + eligible
        + " eligible site(s) (Ready, not cordoned, matching siteSelector) but minSites is " + minSites
        + "; start more edge agents, relax spec.participants.siteSelector or lower minSites");
    return st;
  }

  static FederatedTrainingStatus waitingForBursts(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      int round, List<String> bursts) {
    st.phase = Phase.Running;
    st.currentParticipants = new ArrayList<>();
    ready(st, previous, ft, true, "WaitingForBursts", "round " + round + " is the last: it opens when the SimulationBurst(s) this"
        + " training requested end, so their samples join it: " + String.join(", ", bursts));
    return st;
  }

  static FederatedTrainingStatus opened(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      RoundPlan plan, int eligible) {
    int rounds = ft.getSpec().rounds;
    st.phase = Phase.Running;
    st.round = plan.round() - 1;
    st.progress = (plan.round() - 1) + "/" + rounds;
    st.roundAttempt = plan.attempt();
    st.roundStartedAt = plan.openedAt().toString();
    st.roundDeadlineSeconds = round4(plan.deadlineSeconds());
    st.currentParticipants = new ArrayList<>(plan.participants().stream().sorted().toList());
    st.activeSites = eligible;
    if (st.startTime == null) {
      st.startTime = Conditions.now();
    }
    ready(st, previous, ft, true, "Running", "round " + plan.round() + " open with " + plan.participants().size() + " site(s)");
    return st;
  }

  /** A version waits for its evaluation before its round completes: the Ready condition says by whom and how long at most. */
  static FederatedTrainingStatus evaluating(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      String version, java.util.Set<String> sites, long seconds) {
    ready(st, previous, ft, true, "Running", "version " + version + " is being evaluated by " + String.join(", ", sites)
        + " (at most " + seconds + " s, spec.evaluation.timeoutSeconds)");
    return st;
  }

  /** A BufferedAsync run between folds: which sites are training, how full the buffer is. */
  static FederatedTrainingStatus buffering(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      io.fedmesh.operator.coordinator.UpdateBuffer buffer, int bufferSize, int eligible, java.time.Instant now, double deadlineSeconds) {
    int done = st.round == null ? 0 : st.round;
    st.phase = Phase.Running;
    st.round = done;
    st.progress = done + "/" + ft.getSpec().rounds;
    st.currentParticipants = new ArrayList<>(buffer.assigned().keySet());
    st.activeSites = eligible;
    st.roundDeadlineSeconds = round4(deadlineSeconds);
    if (st.startTime == null) {
      st.startTime = now.toString();
    }
    ready(st, previous, ft, true, "Buffering", "version " + (done + 1) + ": " + buffer.size() + " of " + bufferSize
        + " update(s) buffered, " + buffer.assigned().size() + " site(s) training");
    return st;
  }

  /** A round closed with a kept model: its record joins the (bounded) history. */
  static FederatedTrainingStatus roundCompleted(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      RoundRecord rec, String version, FederatedTrainingStatus.MetricValue metric, long roundBytes) {
    List<RoundRecord> history = new ArrayList<>(st.history == null ? List.of() : st.history);
    history.removeIf(h -> rec.round.equals(h.round));
    history.add(rec);
    while (history.size() > FederatedTrainingStatus.MAX_HISTORY) {
      history.remove(0);
    }
    st.history = history;
    st.round = rec.round;
    st.progress = rec.round + "/" + ft.getSpec().rounds;
    st.modelVersion = version;
    st.metric = metric;
    st.bytesMoved = (st.bytesMoved == null ? 0 : st.bytesMoved) + roundBytes;
    st.currentParticipants = new ArrayList<>();
    st.roundAttempt = null;
    st.roundStartedAt = null;
    st.roundDeadlineSeconds = null;
    st.phase = Phase.Running;
    ready(st, previous, ft, true, "Running", "round " + rec.round + " of " + ft.getSpec().rounds + " completed");
    return st;
  }

  static FederatedTrainingStatus succeeded(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      boolean targetReached) {
    st.phase = Phase.Succeeded;
    st.completionTime = Conditions.now();
    st.currentParticipants = new ArrayList<>();
    String reason = targetReached ? "TargetReached" : "Succeeded";
    ready(st, previous, ft, true, reason, successMessage(ft, st, targetReached));
    return st;
  }

  /** Succeeded with the rounds done: one more would spend more privacy than the budget allows. */
  static FederatedTrainingStatus privacyBudgetExhausted(FederatedTrainingStatus st, FederatedTrainingStatus previous,
      FederatedTraining ft, String why) {
    st.phase = Phase.Succeeded;
    st.completionTime = Conditions.now();
    st.currentParticipants = new ArrayList<>();
    st.roundAttempt = null;
    st.roundStartedAt = null;
    st.roundDeadlineSeconds = null;
    ready(st, previous, ft, true, PRIVACY_BUDGET_EXHAUSTED, "stopped after round " + st.round + " of " + ft.getSpec().rounds + ": "
        + why);
    return st;
  }

  static String successMessage(FederatedTraining ft, FederatedTrainingStatus st, boolean targetReached) {
    return targetReached
        ? "target " + ft.getSpec().target.metric.name().toLowerCase() + " " + ft.getSpec().target.value + " reached in round " + st.round
        : "completed " + st.round + " rounds; " + (st.metric == null ? "" : st.metric.name + " " + String.format("%.4f", st.metric.value));
  }

  static FederatedTrainingStatus failed(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      String reason, String message) {
    st.phase = Phase.Failed;
    st.completionTime = Conditions.now();
    st.currentParticipants = new ArrayList<>();
    ready(st, previous, ft, false, reason, message);
    return st;
  }

  /** The spec is invalid or what it names is missing: nothing runs until it is fixed. */
  public static FederatedTrainingStatus notReady(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      String reason, String message) {
    if (st.phase == null) {
      st.phase = Phase.Pending;
    }
    ready(st, previous, ft, false, reason, message);
    return st;
  }

  /** Records whether the resource's spec is the one the run follows (see docs/resources.md). */
  static FederatedTrainingStatus specAccepted(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft,
      boolean accepted, String message) {
    if (accepted) {
      st.specGeneration = ft.getMetadata().getGeneration();
    }
    Conditions.set(st, previous, CONDITION_SPEC_ACCEPTED, accepted, accepted ? "Accepted" : "SpecChangeRefused", message,
        ft.getMetadata().getGeneration());
    return st;
  }

  private static void ready(FederatedTrainingStatus st, FederatedTrainingStatus previous, FederatedTraining ft, boolean ok,
      String reason, String message) {
    st.observedGeneration = ft.getMetadata().getGeneration();
    Conditions.set(st, previous, FedmeshApi.CONDITION_READY, ok, reason, message, ft.getMetadata().getGeneration());
  }

  static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
