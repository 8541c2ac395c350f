package io.fedmesh.mesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The attack matrix of `fedmesh bench attacks` in the test command: against a coordinator and a
 * bridge on their defaults, every attack is refused, no honest update is lost and the honest
 * training Succeeds. Rounds wait 8 s for the attackers instead of the bench's 20.
 */
class AttackMatrixIntegrationTest {

  @Test
  void everyAttackIsRejectedAndTheHonestTrainingSucceeds() throws Exception {
    AttackBenchmark bench = new AttackBenchmark();
    bench.roundDeadlineSeconds = 8;
    AttackBenchmark.Result result = bench.run();
    assertThat(result.outcomes()).hasSizeGreaterThanOrEqualTo(20)
        .allSatisfy(o -> assertThat(o.rejected()).as(o.name() + ": " + o.how()).isTrue());
    assertThat(result.lostUpdates()).isZero();
    assertThat(result.trainingsFailed()).isZero();
    assertThat(result.outcomes()).extracting(AttackCatalog.Outcome::name).contains("plaintext-coordinator", "unknown-ca",
        "expired-certificate", "wrong-san-server", "upload-as-another-site", "stale-session", "replay", "wrong-shape", "nan-weight",
        "huge-norm", "huge-sample-count", "oversized-total-bytes", "lying-total-bytes", "registration-flood", "foreign-namespace",
        "shell-command", "path-traversal-uid", "changed-spec-under-uid");
  }
}
