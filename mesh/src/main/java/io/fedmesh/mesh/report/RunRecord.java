package io.fedmesh.mesh.report;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus.RoundRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every round of one training, kept as it happens. The status keeps only the last
 * {@link FederatedTrainingStatus#MAX_HISTORY} rounds, so the record merges each status it sees
 * (from a watch and from the caller's polls): a round, once seen, stays. A round that left the
 * status before it was ever seen is listed in {@link #missingRounds} rather than silently skipped.
 */
public final class RunRecord implements AutoCloseable {
  private final TreeMap<Integer, RoundRecord> rounds = new TreeMap<>();
  private final TreeSet<Integer> missing = new TreeSet<>();
  private Watch watch;

  /** Starts recording the training {@code namespace/name} from a watch; {@link #observe} adds what polls see. */
  public static RunRecord watching(KubernetesClient client, String namespace, String name) {
    RunRecord record = new RunRecord();
    record.watch = client.resources(FederatedTraining.class).inNamespace(namespace).withName(name).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, FederatedTraining ft) {
        record.observe(ft.getStatus());
      }

      @Override
      public void onClose(WatcherException cause) {
        // the caller's polls keep observing; a round lost in between shows in missingRounds
      }
    });
    return record;
  }

  /** Merges the rounds of {@code st}; a round seen again (a retried or resumed round) takes its latest record. */
  public synchronized void observe(FederatedTrainingStatus st) {
    if (st == null || st.history == null || st.history.isEmpty()) {
      return;
    }
    int newest = rounds.isEmpty() ? 0 : rounds.lastKey();
    int oldestShown = st.history.stream().mapToInt(r -> r.round).min().orElse(newest + 1);
    for (int r = newest + 1; r < oldestShown; r++) {
      missing.add(r); // completed and already dropped from the capped status before we saw it
    }
    for (RoundRecord r : st.history) {
      rounds.put(r.round, r);
      missing.remove(r.round);
    }
  }

  /** The recorded rounds, in order. */
  public synchronized List<RoundRecord> rounds() {
    return new ArrayList<>(rounds.values());
  }

  /** Rounds that completed but were never seen (the status had moved past them); empty when the record is whole. */
  public synchronized List<Integer> missingRounds() {
    return new ArrayList<>(missing);
  }

  /** The bytes of the recorded rounds: status.bytesMoved when the record is whole. */
  public synchronized long bytes() {
    return rounds.values().stream().mapToLong(r -> r.bytes == null ? 0 : r.bytes).sum();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
