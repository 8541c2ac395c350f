package io.fedmesh.operator.coordinator;

import static io.fedmesh.operator.coordinator.UpdateInboxTest.u;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateInboxRefusalTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @Test
  void aRefusalOfASelectedSiteIsKeptOnceAndTheSiteIsNoLongerWaitedFor() {
    UpdateInbox inbox = new UpdateInbox(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 1, "ft-r0", Set.of("a", "b"), UpdateInboxTest.GLOBAL, true);
    assertThat(inbox.refuse("ns/ft", 1, "b", "samples 0 must be between 1 and 1000000000")).isTrue();
    assertThat(inbox.refuse("ns/ft", 1, "b", "a second reason")).isFalse();
    assertThat(inbox.refusals("ns/ft", 1)).containsExactly(java.util.Map.entry("b", "samples 0 must be between 1 and 1000000000"));
    assertThat(inbox.expects("ns/ft", 1, "b")).isFalse();
    assertThat(inbox.offer("ns/ft", 1, "ns/ft/1/b", u("b")).message()).contains("was refused");
    inbox.offer("ns/ft", 1, "ns/ft/1/a", u("a"));
    assertThat(inbox.settledSites("ns/ft", 1)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void strangersCannotWriteIntoTheRecordNorUndoADeliveredUpdate() {
    UpdateInbox inbox = new UpdateInbox(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 2, "ft-r0", Set.of("a"), UpdateInboxTest.GLOBAL, true);
    assertThat(inbox.refuse("ns/ft", 2, "stranger", "x")).isFalse();
    assertThat(inbox.refuse("ns/ft", 1, "a", "an old round")).isFalse();
    assertThat(inbox.refuse("ns/other", 2, "a", "no such training")).isFalse();
    inbox.offer("ns/ft", 2, "ns/ft/2/a", u("a"));
    // a later broken upload in a's name does not take back a's accepted update
    assertThat(inbox.refuse("ns/ft", 2, "a", "idempotency_key must be training/round/site")).isFalse();
    assertThat(inbox.receivedSites("ns/ft", 2)).containsExactly("a");
    assertThat(inbox.refusals("ns/ft", 2)).isEmpty();
  }

  @Test
  void theNormBoundDropsAnAcceptedUpdateAndARetryKeepsTheRecord() {
    UpdateInbox inbox = new UpdateInbox(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 3, "ft-r0", Set.of("a", "b"), UpdateInboxTest.GLOBAL, true);
    inbox.offer("ns/ft", 3, "ns/ft/3/a", u("a"));
    assertThat(inbox.refuseAccepted("ns/ft", 3, "a", "update norm 50 is above 3")).isTrue();
    assertThat(inbox.received("ns/ft", 3)).isEmpty();
    inbox.open("ns/ft", 3, "ft-r0", Set.of("a", "b"), UpdateInboxTest.GLOBAL, true); // retried after a missed quorum
    assertThat(inbox.refusals("ns/ft", 3)).containsKey("a");
  }

  @Test
  void aReasonQuotingPeerBytesIsKeptPrintableAndShort() {
    UpdateInbox inbox = new UpdateInbox(new io.fedmesh.operator.checkpoint.AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 4, "ft-r0", Set.of("a"), UpdateInboxTest.GLOBAL, true);
    inbox.refuse("ns/ft", 4, "a", "base_model_version \u001b[31m" + "x".repeat(10_000) + " is not the model this round trains");
    String kept = inbox.refusals("ns/ft", 4).get("a");
    assertThat(kept).startsWith("base_model_version ?[31mxxx").endsWith("...").hasSize(UpdateInbox.MAX_REASON + 3);
  }
}
