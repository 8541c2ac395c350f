package io.fedmesh.edge.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LinkMonitorTest {

  @Test
  void lossCountsUnansweredHeartbeatsButNotTheOneStillInFlight() {
    LinkMonitor link = new LinkMonitor(new SimpleMeterRegistry());
    assertThat(link.quality().getLoss()).isZero();
    for (int i = 0; i < 4; i++) {
      link.heartbeatSent();
    }
    link.acked(0);
    link.acked(0);
    // 4 sent, 2 answered, the latest may still be on its way: 1 of 4 lost
    assertThat(link.quality().getLoss()).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void onlyAnEchoedTimestampIsAnRttSampleAndDownloadsGiveTheBandwidth() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LinkMonitor link = new LinkMonitor(registry);
    link.acked(0);
    assertThat(registry.get("fedmesh_agent_heartbeat_rtt_ms").summary().count()).isZero();
    link.acked(LinkMonitor.unixNanos() - 5_000_000);
    assertThat(registry.get("fedmesh_agent_heartbeat_rtt_ms").summary().count()).isEqualTo(1);
    assertThat(link.quality().getRttMs()).isGreaterThanOrEqualTo(5);
    link.downloaded(1_000_000, 0.5);
    assertThat(link.quality().getBandwidthMbps()).isCloseTo(16, within(1e-9));
  }

  @Test
  void anUploadGivesTheUploadThroughputAndAFailedOneNothing() {
    LinkMonitor link = new LinkMonitor(new SimpleMeterRegistry());
    assertThat(link.quality().getUploadMbps()).isZero();
    link.uploaded(0, 1.0);
    assertThat(link.quality().getUploadMbps()).isZero();
    link.uploaded(2_000_000, 2.0);
    assertThat(link.quality().getUploadMbps()).isCloseTo(8, within(1e-9));
  }
}
