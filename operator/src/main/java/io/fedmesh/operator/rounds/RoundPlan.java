package io.fedmesh.operator.rounds;

import java.time.Instant;
import java.util.Set;

/**
 * One open round: which attempt, which sites, from which model version, until when, (planned
 * rounds) why each eligible site was chosen or left out, and each chosen site's encoding and why.
 */
public record RoundPlan(int round, int attempt, Set<String> participants, String baseVersion, Instant openedAt, Instant deadline,
    java.util.Map<String, String> selection, java.util.Map<String, String> encodings) {
  public RoundPlan {
    participants = Set.copyOf(participants);
    selection = selection == null ? java.util.Map.of() : java.util.Map.copyOf(selection);
    encodings = encodings == null ? java.util.Map.of() : java.util.Map.copyOf(encodings);
  }

  public RoundPlan(int round, int attempt, Set<String> participants, String baseVersion, Instant openedAt, Instant deadline) {
    this(round, attempt, participants, baseVersion, openedAt, deadline, null, null);
  }

  public double deadlineSeconds() {
    return (deadline.toEpochMilli() - openedAt.toEpochMilli()) / 1000.0;
  }
}
