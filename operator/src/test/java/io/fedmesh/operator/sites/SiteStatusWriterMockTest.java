package io.fedmesh.operator.sites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fedmesh.api.v1alpha1.EdgeSite;
import io.fedmesh.api.v1alpha1.EdgeSiteSpec;
import io.fedmesh.api.v1alpha1.EdgeSiteStatus;
import io.fedmesh.api.v1alpha1.LinkQuality;
import io.fedmesh.operator.CrdFixturesAccess;
import io.fedmesh.operator.status.StatusRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EdgeSite status from many producers through one writer: coalesced, phase changes at once, nothing dropped. */
@EnableKubernetesMockClient(crud = true)
class SiteStatusWriterMockTest {
  KubernetesClient client;
  StatusRecorder<EdgeSiteStatus, EdgeSite> recorder;
  SiteStatusWriter writer;

  @BeforeEach
  void setUp() throws Exception {
    CrdFixturesAccess.install(client);
    EdgeSite site = new EdgeSite();
    site.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("default").build());
    site.setSpec(new EdgeSiteSpec());
    client.resource(site).create();
    recorder = new StatusRecorder<>(client, EdgeSite.class, EdgeSiteStatus.class, k -> Optional.empty());
    writer = new SiteStatusWriter(recorder, Duration.ofSeconds(1), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    writer.close();
  }

  EdgeSiteStatus read() {
    return client.resources(EdgeSite.class).inNamespace("default").withName("s").get().getStatus();
  }

  static SiteFacts.Heartbeat beat(double rtt, boolean degraded) {
    LinkQuality link = new LinkQuality();
    link.rttMs = rtt;
    return new SiteFacts.Heartbeat(Instant.now(), degraded, degraded ? "no data" : "", "v1", link, null, List.of());
  }

  @Test
  void heartbeatsCoalesceAndTheLastOneIsWrittenWithoutAnotherHeartbeat() {
    for (int i = 1; i <= 50; i++) {
      double rtt = i;
      writer.report("default/s", f -> f.withHeartbeat(beat(rtt, false)));
    }
    // the first write goes at once, the held-back facts when the refresh interval has passed
    await().atMost(Duration.ofSeconds(10)).until(() -> read() != null && read().measuredLink != null && read().measuredLink.rttMs == 50.0);
    assertThat(recorder.writes()).isLessThanOrEqualTo(3);
    assertThat(read().phase).isEqualTo(EdgeSiteStatus.Phase.Ready);
    assertThat(writer.backlog()).isZero();
  }

  @Test
  void aPhaseChangeIsWrittenAtOnceAndKeepsTheOtherProducersFacts() {
    writer.report("default/s", f -> f.withHeartbeat(beat(7, false)));
    await().atMost(Duration.ofSeconds(5)).until(() -> read() != null && read().phase == EdgeSiteStatus.Phase.Ready);
    writer.report("default/s", f -> f.withReliability(3, 1)); // from the rounds, just after a write: held back
    writer.report("default/s", f -> f.withOffline(new SiteFacts.Offline(Instant.now(), 20, false)));
    await().atMost(Duration.ofSeconds(5)).until(() -> read().phase == EdgeSiteStatus.Phase.Offline);
    EdgeSiteStatus st = read();
    assertThat(st.roundsCompleted).isEqualTo(3);
    assertThat(st.roundsMissed).isEqualTo(1);
    assertThat(st.measuredLink.rttMs).as("the heartbeat's link stays while Offline").isEqualTo(7.0);
    assertThat(st.condition("Ready").getReason()).isEqualTo("Offline");
    writer.report("default/s", f -> f.withHeartbeat(beat(8, true)));
    await().atMost(Duration.ofSeconds(5)).until(() -> read().phase == EdgeSiteStatus.Phase.Degraded);
    assertThat(read().message).isEqualTo("no data");
    assertThat(read().roundsCompleted).isEqualTo(3);
  }

  @Test
  void aValidationProblemIsACondition() {
    writer.writeNow("default/s", st -> EdgeSiteStatuses.validated(st, List.of("spec.region 'X' must be a lowercase DNS label"), "s", 1L));
    assertThat(read().phase).isEqualTo(EdgeSiteStatus.Phase.Pending);
    assertThat(read().condition("Ready").getReason()).isEqualTo("ValidationFailed");
    writer.writeNow("default/s", st -> EdgeSiteStatuses.validated(st, List.of(), "s", 2L));
    assertThat(read().condition("Ready").getReason()).isEqualTo("AwaitingAgent");
  }
}
