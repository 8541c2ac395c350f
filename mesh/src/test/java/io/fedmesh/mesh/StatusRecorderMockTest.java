package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.operator.status.StatusRecorder;
import org.junit.jupiter.api.AfterEach;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one status writer of a kind, against the embedded API server (which, as a real one, refuses a
 * stale status write): no write without a change, no field lost to a concurrent writer.
 */
class StatusRecorderMockTest {
  EmbeddedCluster cluster;
  KubernetesClient client;
  /** What the recorder takes for the informer's copy; a test sets it stale on purpose. */
  final AtomicReference<EdgeSite> cached = new AtomicReference<>();
  StatusRecorder<EdgeSiteStatus, EdgeSite> recorder;

  @BeforeEach
  void setUp() {
    cluster = EmbeddedCluster.start();
    client = cluster.client();
    EdgeSite site = new EdgeSite();
    site.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("default").build());
    site.setSpec(new EdgeSiteSpec());
    client.resource(site).create();
    recorder = new StatusRecorder<>(client, EdgeSite.class, EdgeSiteStatus.class, k -> Optional.ofNullable(cached.get()));
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  EdgeSiteStatus read() {
    return client.resources(EdgeSite.class).inNamespace("default").withName("s").get().getStatus();
  }

  @Test
  void writesOnlyWhatChanges() {
    recorder.update("default", "s", st -> {
      st.message = "hello";
      return st;
    });
    recorder.update("default", "s", st -> {
      st.message = "hello";
      return st;
    });
    assertThat(recorder.writes()).isEqualTo(1);
    assertThat(recorder.skipped()).isEqualTo(1);
    assertThat(read().message).isEqualTo("hello");
  }

  @Test
  void aConcurrentWriteIsAConflictAndTheChangeIsReappliedToAFreshRead() {
    EdgeSite stale = client.resources(EdgeSite.class).inNamespace("default").withName("s").get();
    // another writer sets its field after our copy was taken
    EdgeSite theirs = Serialization.clone(stale);
    theirs.setStatus(new EdgeSiteStatus());
    theirs.getStatus().agentVersion = "other-writer";
    client.resource(theirs).updateStatus();
    cached.set(stale);

    recorder.update("default", "s", st -> {
      st.message = "mine";
      return st;
    });

    assertThat(recorder.conflicts()).isEqualTo(1);
    assertThat(read().agentVersion).as("the other writer's field").isEqualTo("other-writer");
    assertThat(read().message).as("ours").isEqualTo("mine");
  }

  @Test
  void producersOnManyThreadsLoseNothing() throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      threads.add(Thread.ofPlatform().start(() -> recorder.update("default", "s", st -> {
        List<String> l = new ArrayList<>(st.assignedLearners == null ? List.of() : st.assignedLearners);
        l.add("t" + n);
        st.assignedLearners = l;
        return st;
      })));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(read().assignedLearners).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
  }

  @Test
  void aDeletedResourceIsNoError() {
    client.resources(EdgeSite.class).inNamespace("default").withName("s").delete();
    assertThat(recorder.update("default", "s", st -> {
      st.message = "late";
      return st;
    })).isEmpty();
  }
}
