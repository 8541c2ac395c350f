package io.fedmesh.operator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.operator.aggregation.ClientUpdate;
import io.fedmesh.operator.aggregation.FedAvgStrategy;
import io.fedmesh.operator.aggregation.UpdateFacts;
import io.fedmesh.operator.checkpoint.AcceptedUpdateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FedAvg round keeps one running mean, not its updates, and gets the same aggregate back after a restart. */
class StreamingRoundTest {
  static final int P = 4096;
  static final String T = "ns/ft";
  static final String BASE = "uid-1/ft-r0";
  static final FedAvgStrategy FEDAVG = new FedAvgStrategy();
  @TempDir Path dir;
  final float[] global = new float[P];

  static ClientUpdate update(String site, long samples, long seed) {
    Random rnd = new Random(seed);
    float[] w = new float[P];
    for (int i = 0; i < P; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    return new ClientUpdate(site, w, samples, 0.25, 0.5, 4L * P);
  }

  static List<ClientUpdate> updates(int n) {
    List<ClientUpdate> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      out.add(update(String.format("site-%02d", k), 10 + 37L * k, k));
    }
    return out;
  }

  static Set<String> sites(List<ClientUpdate> updates) {
    Set<String> s = new TreeSet<>();
    updates.forEach(u -> s.add(u.site()));
    return s;
  }

  UpdateInbox roundWith(List<ClientUpdate> updates, boolean streaming) {
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir.resolve(streaming + "-" + updates.size())));
    inbox.open(T, 1, BASE, sites(updates), global, streaming);
    for (ClientUpdate u : updates) {
      assertThat(inbox.offer(T, 1, T + "/1/" + u.site(), u).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    }
    return inbox;
  }

  static void assertSameMean(float[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      // one float ulp of rounding; a wrong weight is off by thousands (RunningMeanTest)
      assertThat(Math.abs(expected[i] - actual[i])).as("parameter " + i).isLessThanOrEqualTo(Math.max(Math.ulp(expected[i]), Math.ulp(1f)));
    }
  }

  @Test
  void theOpenRoundHoldsOneAccumulatorWhateverTheNumberOfUpdates() {
    for (int n : new int[] {1, 40}) {
      UpdateInbox inbox = roundWith(updates(n), true);
      List<Object> held = ReachableArrays.from(inbox, P, global);
      assertThat(held).as(n + " updates").hasSize(1);
      assertThat(held.get(0)).as("the running mean").isInstanceOf(double[].class);
      assertThat(ReachableArrays.bytes(held)).isEqualTo(8L * P);
    }
    // the path the robust strategies keep: every update, as before
    assertThat(ReachableArrays.from(roundWith(updates(40), false), P, global)).hasSize(40).allMatch(a -> a instanceof float[]);
  }

  @Test
  void theFoldedRoundAggregatesAsFedAvgOverTheListAndAsTheKeepingPath() {
    List<ClientUpdate> updates = updates(9);
    RoundUpdates.Cohort streamed = roundWith(updates, true).take(T, 1).orElseThrow();
    RoundUpdates.Cohort kept = roundWith(updates, false).take(T, 1).orElseThrow();
    float[] expected = FedAvgStrategy.weightedMean(P, updates);
    assertSameMean(expected, streamed.aggregate(FEDAVG, global));
    assertSameMean(expected, kept.aggregate(FEDAVG, global));
    assertThat(streamed.facts()).extracting(UpdateFacts::site).containsExactlyElementsOf(sites(updates));
    assertThat(streamed.facts()).extracting(UpdateFacts::samples).containsExactlyElementsOf(updates.stream().map(ClientUpdate::samples).toList());
  }

  @Test
  void anUpdateRefusedAfterItWasFoldedLeavesTheMeanOfTheOthersEvenWhenItIsHuge() {
    List<ClientUpdate> honest = updates(5);
    float[] boosted = new float[P];
    java.util.Arrays.fill(boosted, 1e30f); // subtracting this from a double sum would leave the others in its rounding error
    List<ClientUpdate> all = new ArrayList<>(honest);
    all.add(new ClientUpdate("site-zz", boosted, 10, 0.25, 0.5, 4L * P));
    UpdateInbox inbox = roundWith(all, true);
    assertThat(inbox.seal(T, 1)).isTrue();
    var norms = inbox.norms(T, 1);
    assertThat(norms).hasSize(6);
    assertThat(norms.get(5).norm()).as("measured on arrival").isGreaterThan(1e30);
    assertThat(inbox.refuseAccepted(T, 1, "site-zz", "update norm above the bound")).isTrue();
    RoundUpdates.Cohort cohort = inbox.take(T, 1).orElseThrow();
    assertThat(cohort.facts()).extracting(UpdateFacts::site).containsExactlyElementsOf(sites(honest));
    assertSameMean(FedAvgStrategy.weightedMean(P, honest), cohort.aggregate(FEDAVG, global));
  }

  @Test
  void aRestartMidRoundRebuildsTheSameAggregateAndCountsNothingTwice() {
    List<ClientUpdate> updates = updates(3);
    UpdateInbox before = new UpdateInbox(new AcceptedUpdateStore(dir));
    before.open(T, 1, BASE, sites(updates), global, true);
    before.offer(T, 1, T + "/1/site-00", updates.get(0));
    before.offer(T, 1, T + "/1/site-01", updates.get(1));
    // the operator dies; the next one reopens the round from the same volume
    UpdateInbox after = new UpdateInbox(new AcceptedUpdateStore(dir));
    after.open(T, 1, BASE, sites(updates), global, true);
    assertThat(after.restore(T, 1)).containsExactlyInAnyOrder("site-00", "site-01");
    assertThat(after.restore(T, 1)).as("a second restore folds nothing").isEmpty();
    assertThat(after.offer(T, 1, T + "/1/site-00", updates.get(0)).outcome()).as("a resend").isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    assertThat(after.offer(T, 1, T + "/1/site-02", updates.get(2)).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    after.open(T, 1, BASE, sites(updates), global, true); // a retry after a missed quorum keeps the mean
    RoundUpdates.Cohort cohort = after.take(T, 1).orElseThrow();
    assertThat(cohort.mean().count()).isEqualTo(3);
    assertThat(cohort.mean().samples()).isEqualTo(updates.stream().mapToLong(ClientUpdate::samples).sum());
    assertSameMean(FedAvgStrategy.weightedMean(P, updates), cohort.aggregate(FEDAVG, global));
  }

  @Test
  void aSealedRoundTakesNothingAndRecordsNoNewRefusal() {
    List<ClientUpdate> updates = updates(2);
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open(T, 1, BASE, sites(updates), global, true);
    inbox.offer(T, 1, T + "/1/site-00", updates.get(0));
    inbox.seal(T, 1);
    UpdateInbox.Result closing = inbox.offer(T, 1, T + "/1/site-01", updates.get(1));
    assertThat(closing.outcome()).as("not refused: the site keeps it and sends it again").isEqualTo(UpdateInbox.Outcome.RETRY_LATER);
    assertThat(closing.message()).contains("closing");
    assertThat(inbox.refuse(T, 1, "site-01", "late")).isFalse();
    assertThat(inbox.take(T, 1).orElseThrow().mean().count()).isEqualTo(1);
    assertThat(inbox.take(T, 1)).as("taken once").isEmpty();
  }

  @Test
  void anUpdateSentAgainAfterASealedRoundIsRetriedLandsInTheRetry() {
    List<ClientUpdate> updates = updates(2);
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open(T, 1, BASE, sites(updates), global, true);
    inbox.offer(T, 1, T + "/1/site-00", updates.get(0));
    inbox.seal(T, 1); // closing, and then too few updates: the round is opened again
    assertThat(inbox.offer(T, 1, T + "/1/site-01", updates.get(1)).outcome()).isEqualTo(UpdateInbox.Outcome.RETRY_LATER);
    inbox.open(T, 1, BASE, sites(updates), global, true);
    assertThat(inbox.offer(T, 1, T + "/1/site-01", updates.get(1)).outcome()).isEqualTo(UpdateInbox.Outcome.ACCEPTED);
    assertThat(inbox.take(T, 1).orElseThrow().mean().count()).isEqualTo(2);
  }

  @Test
  void aSecondUpdateOfASiteUnderAnotherKeyIsNotFoldedAgain() {
    ClientUpdate u = update("site-00", 10, 1);
    UpdateInbox inbox = new UpdateInbox(new AcceptedUpdateStore(dir));
    inbox.open(T, 1, BASE, Set.of("site-00"), global, true);
    inbox.offer(T, 1, T + "/1/site-00", u);
    assertThat(inbox.offer(T, 1, "another-key", u).outcome()).isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    assertThat(inbox.offer(T, 1, T + "/1/site-00", new ClientUpdate("site-00", new float[3], 1, 0, 0, 0)).outcome())
        .isEqualTo(UpdateInbox.Outcome.DUPLICATE);
    assertThat(inbox.take(T, 1).orElseThrow().mean().count()).isEqualTo(1);
  }
}
