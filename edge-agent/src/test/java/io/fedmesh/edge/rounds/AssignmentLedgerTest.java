package io.fedmesh.edge.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.proto.federation.v1.TrainAssignment;
import org.junit.jupiter.api.Test;

class AssignmentLedgerTest {
  @Test
  void anEvaluationOfARoundsVersionIsNotThatRoundAndTheUpdateKeyIsUnchanged() {
    TrainAssignment training = TrainAssignment.newBuilder().setTraining("default/blobs").setRound(3).setModelVersion("v3").build();
    TrainAssignment evaluation = training.toBuilder().setEvaluateOnly(true).build();
    assertThat(AssignmentLedger.key(training, "site-a")).as("the upload's idempotency key").isEqualTo("default/blobs/3/site-a");
    assertThat(AssignmentLedger.key(evaluation, "site-a")).isEqualTo("default/blobs/3/site-a/evaluate");

    AssignmentLedger ledger = new AssignmentLedger();
    ledger.finished(AssignmentLedger.key(training, "site-a"));
    assertThat(ledger.claim(AssignmentLedger.key(evaluation, "site-a"))).as("a finished round leaves its evaluation to do").isTrue();
  }
}
