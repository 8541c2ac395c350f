package io.fedmesh.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.FederatedTraining;
import io.fedmesh.api.v1alpha1.FederatedTrainingSpec;
import io.fedmesh.api.v1alpha1.FederatedTrainingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a reader of {@link CoalescingStatusWriter#newest} sees while writes complete: every change
 * submitted before the read, each once, however the read falls against a write finishing. A round
 * step builds the next status from this view, so a change missing from it is a round lost from
 * history (FederationMockTest saw round 27 of 40 missing once).
 */
@EnableKubernetesMockClient(crud = true)
class CoalescingStatusWriterMockTest {
  static final int CHANGES = 600;
  KubernetesClient client;

  @Test
  void aReaderSeesEveryChangeSubmittedBeforeItOnceWhileWritesComplete() throws Exception {
    io.fedmesh.operator.CrdFixturesAccess.install(client);
    FederatedTraining ft = new FederatedTraining();
    ft.setMetadata(new ObjectMetaBuilder().withName("t").withNamespace("default").build());
    ft.setSpec(new FederatedTrainingSpec());
    ft.getSpec().modelRef = "m";
    FederatedTraining stale = client.resource(ft).create(); // the informer's copy, never refreshed: the worst lag
    var recorder = new StatusRecorder<>(client, FederatedTraining.class, FederatedTrainingStatus.class, k -> Optional.of(stale));
    List<String> problems = new CopyOnWriteArrayList<>();
    AtomicInteger submitted = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    try (var writer = new CoalescingStatusWriter<>(recorder, FederatedTraining.class, "test-status")) {
      Thread reader = new Thread(() -> {
        while (!done.get()) {
          int before = submitted.get();
          FederatedTrainingStatus st = writer.newest(stale).getStatus();
          List<Integer> rounds = st == null || st.history == null ? List.of() : st.history.stream().map(h -> h.round).toList();
          for (int i = 0; i < rounds.size(); i++) {
            if (rounds.get(i) != i + 1) {
              problems.add("read after " + before + " submits saw rounds " + rounds);
              return;
            }
          }
          if (rounds.size() < before) {
            problems.add("read after " + before + " submits saw only " + rounds.size() + " rounds");
            return;
          }
          reads.incrementAndGet();
        }
      });
      reader.start();
      for (int i = 1; i <= CHANGES; i++) {
        int round = i;
        writer.submit("default", "t", st -> {
          List<FederatedTrainingStatus.RoundRecord> h = new ArrayList<>(st.history == null ? List.of() : st.history);
          FederatedTrainingStatus.RoundRecord r = new FederatedTrainingStatus.RoundRecord();
          r.round = round;
          h.add(r);
          st.history = h;
          return st;
        });
        submitted.set(i);
        // each change written on its own: every write completion is a chance for a read to fall on it
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> writer.backlog() == 0);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        FederatedTrainingStatus st = client.resources(FederatedTraining.class).inNamespace("default").withName("t").get().getStatus();
        return st != null && st.history != null && st.history.size() == CHANGES;
      });
      done.set(true);
      reader.join(10_000);
    }
    assertThat(problems).isEmpty();
    assertThat(reads.get()).as("the reader ran throughout").isGreaterThan(CHANGES);
    assertThat(client.resources(FederatedTraining.class).inNamespace("default").withName("t").get().getStatus().history)
        .extracting(h -> h.round).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, CHANGES).boxed().toList());
  }
}
