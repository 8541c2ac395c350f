package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A BufferedAsync training's inbox: rounds within maxStaleness are taken once each, a staler one is refused by name. */
class UpdateBufferTest {
  @TempDir Path dir;

  static ClientUpdate update(String site) {
    return new ClientUpdate(site, new float[] {1f, 2f}, 10, 0.5, 0.5, 8);
  }

  @Test
  void takesUpdatesOfSeveralRoundsAndRefusesTheStaleOneByName() {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    UpdateBuffer b = inbox.openBuffer("default/t", "uid", "t", 1, 1);
    b.assign("a", 1);
    b.assign("slow", 1);
    assertThat(inbox.offer("default/t", 1, "default/t/1/a", update("a")).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    assertThat(inbox.offer("default/t", 1, "default/t/1/a", update("a")).outcome()).isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    assertThat(inbox.offer("default/t", 1, "default/t/1/x", update("x")).outcome()).isEqualTo(UpdateInbox.Outcome.REJECTED);
    assertThat(b.baseVersion(1)).isEqualTo("uid/t-r0");
    b.folded(b.buffered(), b.refusals().keySet());
    b.advance(2); // version t-r1 made: the slow site's round 1 is one version behind, still within maxStaleness 1
    b.assign("a", 2);
    assertThat(b.staleness(1)).isEqualTo(1);
    assertThat(inbox.expects("default/t", 1, "slow")).isTrue();
    assertThat(inbox.offer("default/t", 2, "default/t/2/a", update("a")).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    b.folded(b.buffered(), b.refusals().keySet());
    b.advance(3); // now two behind
    assertThat(b.unexpected("slow", 1)).hasValueSatisfying(why -> assertThat(why).contains("site slow").contains("t-r0")
        .contains("2 versions behind the newest t-r2").contains("spec.strategy.bufferedAsync.maxStaleness is 1"));
    var stale = inbox.offer("default/t", 1, "default/t/1/slow", update("slow"));
    assertThat(stale.outcome()).isEqualTo(UpdateInbox.Outcome.REJECTED);
    assertThat(stale.message()).contains("maxStaleness");
    assertThat(inbox.refuse("default/t", 1, "slow", "too stale")).isTrue();
    assertThat(inbox.refuse("default/t", 1, "slow", "again")).isFalse(); // its assignment lapsed: recorded once
    assertThat(b.refusals()).containsEntry("slow", "too stale");
    assertThat(b.assigned()).doesNotContainKey("slow");
  }

  @Test
  void aRefusalRecordedWhileAFoldIsChosenSurvivesTheFoldToBeAnnounced() {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    UpdateBuffer b = inbox.openBuffer("default/t", "uid", "t", 1, 1);
    b.assign("a", 1);
    b.assign("b", 1);
    assertThat(inbox.refuse("default/t", 1, "a", "announced before the fold")).isTrue();
    var announced = b.refusals().keySet(); // what the fold announces
    assertThat(inbox.refuse("default/t", 1, "b", "came in while the fold was chosen")).isTrue();
    b.folded(b.buffered(), announced);
    assertThat(b.refusals()).containsOnlyKeys("b"); // cleared all, the Event for b was never sent (BufferedAsyncMockTest in CI)
  }

  @Test
  void anAcceptedUpdateIsOnDiskUntilFoldedAndComesBackAfterARestart() {
    AcceptedUpdateStore store = new AcceptedUpdateStore(dir);
    UpdateInbox inbox = new UpdateInbox(store);
    UpdateBuffer b = inbox.openBuffer("default/t", "uid", "t", 2, 3);
    b.assign("a", 3);
    inbox.offer("default/t", 3, "default/t/3/a", update("a"));
    var persisted = store.load("default/t", 3, 2, "uid/t-r2");
    assertThat(persisted).singleElement().satisfies(s -> assertThat(s.update().site()).isEqualTo("a"));
    UpdateBuffer restarted = new UpdateInbox(store).openBuffer("default/t", "uid", "t", 2, 3);
    assertThat(restarted.restore(persisted.get(0), 3)).isTrue();
    assertThat(restarted.restore(persisted.get(0), 3)).isFalse(); // its site is in the buffer already
    assertThat(restarted.seen("default/t/3/a")).isTrue();
    inbox.removeFolded("default/t", b.buffered());
    assertThat(store.load("default/t", 3, 2, "uid/t-r2")).isEmpty();
  }
}
