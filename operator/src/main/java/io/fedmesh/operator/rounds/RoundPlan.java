package io.fedmesh.operator.rounds;

import java.time.Instant;
import java.util.Set;

/** One open round: which attempt, which sites, from which model version, until when. */
public record RoundPlan(int round, int attempt, Set<String> participants, String baseVersion, Instant openedAt, Instant deadline) {
  public RoundPlan {
    participants = Set.copyOf(participants);
  }

  public double deadlineSeconds() {
    return (deadline.toEpochMilli() - openedAt.toEpochMilli()) / 1000.0;
  }
}
