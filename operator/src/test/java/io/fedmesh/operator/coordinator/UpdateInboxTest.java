package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateInboxTest {
  @TempDir Path dir;

  /** The round's model: one parameter. */
  static final float[] GLOBAL = {0};

  static ClientUpdate u(String site) {
    return new ClientUpdate(site, new float[] {1}, 10, 0, 0, 4);
  }

  @Test
  void aResendIsAcknowledgedButCountedOnce() {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 1, "ft-r0", Set.of("a", "b"), GLOBAL, true);
    assertThat(inbox.offer("ns/ft", 1, "ns/ft/1/a", u("a")).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    assertThat(inbox.offer("ns/ft", 1, "ns/ft/1/a", u("a")).outcome()).isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    assertThat(inbox.received("ns/ft", 1)).hasSize(1);
  }

  @Test
  void outsidersAndClosedRoundsAreRefused() {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 2, "ft-r0", Set.of("a"), GLOBAL, true);
    assertThat(inbox.offer("ns/ft", 2, "ns/ft/2/z", u("z")).message()).contains("not selected");
    assertThat(inbox.offer("ns/ft", 1, "ns/ft/1/a", u("a")).message()).contains("round 1 of ns/ft is not open");
    inbox.close("ns/ft");
    assertThat(inbox.offer("ns/ft", 2, "ns/ft/2/a", u("a")).outcome()).isEqualTo(UpdateInbox.Outcome.REJECTED);
    // a late resend of an update that was counted is still a duplicate, not an error
    inbox.open("ns/ft", 3, "ft-r0", Set.of("a"), GLOBAL, true);
    inbox.offer("ns/ft", 3, "ns/ft/3/a", u("a"));
    inbox.close("ns/ft");
    assertThat(inbox.offer("ns/ft", 3, "ns/ft/3/a", u("a")).outcome()).isEqualTo(UpdateInbox.Outcome.DUPLICATE);
  }

  @Test
  void aRetriedRoundKeepsTheUpdatesItAlreadyHas() {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open("ns/ft", 4, "ft-r0", Set.of("a", "b"), GLOBAL, true);
    inbox.offer("ns/ft", 4, "ns/ft/4/a", u("a"));
    inbox.open("ns/ft", 4, "ft-r0", Set.of("b", "c"), GLOBAL, true);
    assertThat(inbox.receivedSites("ns/ft", 4)).containsExactly("a");
    assertThat(inbox.offer("ns/ft", 4, "ns/ft/4/c", u("c")).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    assertThat(inbox.received("ns/ft", 4)).hasSize(2);
  }

  @Test
  void aNewInboxOverTheSameVolumeGetsTheAcceptedUpdatesBackWithTheirKeys() {
    UpdateInbox before = new UpdateInbox(new AcceptedUpdateStore(dir));
    before.open("ns/ft", 2, "uid-1/ft-r1", Set.of("a", "b"), GLOBAL, true);
    before.offer("ns/ft", 2, "ns/ft/2/a", u("a"));
    // the process is gone; a new one opens the same round of the same training object
    UpdateInbox after = new UpdateInbox(new AcceptedUpdateStore(dir));
    after.open("ns/ft", 2, "uid-1/ft-r1", Set.of("a", "b"), GLOBAL, true);
    assertThat(after.persisted("ns/ft", 2, 1, "uid-1/ft-r1")).hasSize(1);
    assertThat(after.restore("ns/ft", 2)).containsExactly("a");
    assertThat(after.restore("ns/ft", 2)).as("restored once, never counted twice").isEmpty();
    assertThat(after.received("ns/ft", 2)).extracting(UpdateFacts::site).containsExactly("a");
    assertThat(after.seen("ns/ft", "ns/ft/2/a")).isTrue();
    assertThat(after.offer("ns/ft", 2, "ns/ft/2/a", u("a")).outcome()).isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    // a training re-created under the same name (another uid) starts from other weights: nothing of the old one is taken
    assertThat(after.persisted("ns/ft", 2, 1, "uid-2/ft-r1")).isEmpty();
    after.removePersisted("ns/ft", 2);
    assertThat(new UpdateInbox(new AcceptedUpdateStore(dir)).persisted("ns/ft", 2, 1, "uid-1/ft-r1")).isEmpty();
  }
}
