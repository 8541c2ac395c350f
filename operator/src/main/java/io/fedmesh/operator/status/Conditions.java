package io.fedmesh.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fedmesh.api.v1alpha1.FedmeshStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Sets standard conditions; lastTransitionTime moves only when the status flips. */
public final class Conditions {
  private Conditions() {}

  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * Sets condition {@code type} on {@code target}, carrying the transition time over from
   * {@code previous} (the status as last observed) when the status did not change.
   */
  public static void set(FedmeshStatus target, FedmeshStatus previous, String type, boolean status, String reason,
      String message, Long generation) {
    String statusText = status ? "True" : "False";
    Condition old = previous == null ? null : previous.condition(type);
    String transition = old != null && statusText.equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime() : now();
    Condition c = new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
    List<Condition> list = new ArrayList<>();
    List<Condition> base = target.conditions != null && !target.conditions.isEmpty() ? target.conditions
        : previous != null && previous.conditions != null ? previous.conditions : List.of();
    for (Condition existing : base) {
      if (!type.equals(existing.getType())) {
        list.add(existing);
      }
    }
    list.add(c);
    target.conditions = list;
  }
}
