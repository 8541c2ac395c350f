package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.core.reactor.NioReactor;

/** The timeline played on real links: round events when rounds finish, timed ones on the clock, each change recorded. */
class ScenarioPlayerTest {
  private final NioReactor reactor;
  private final ServerSocket target;
  private final List<String> agentChanges = new CopyOnWriteArrayList<>();

  ScenarioPlayerTest() throws IOException {
    reactor = new NioReactor();
    target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    target.close();
    reactor.close();
  }

  @Test
  void roundEventsWaitForTheirRoundAndTimedOnesForTheirTime() throws Exception {
    Scenario s = ScenarioLoader.parse("""
        name: t
        events:
          - {type: bandwidth, atProgress: 0.5, factor: 0.5}
          - {type: partition, atSeconds: 0.2, sites: [site-1], durationSeconds: 0.5}
          - {type: leave, atRound: 2, sites: [site-0]}
          - {type: join, atRound: 3, sites: [site-0]}
        """, "test");
    try (WanLink a = link(new WanLink.Profile(10, 100)); WanLink b = link(new WanLink.Profile(10, 40));
        ScenarioPlayer player = new ScenarioPlayer(s, 2, 4, sites(Map.of("site-0", a, "site-1", b)))) {
      player.start();
      await().atMost(Duration.ofSeconds(5)).until(b::partitioned);
      assertThat(a.profile().bandwidthMbps()).as("halving waits for half the rounds").isEqualTo(100);
      await().atMost(Duration.ofSeconds(5)).until(() -> !b.partitioned());
      player.roundsDone(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> agentChanges.contains("leave site-0"));
      assertThat(agentChanges).doesNotContain("join site-0");
      player.roundsDone(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> a.profile().bandwidthMbps() == 50 && b.profile().bandwidthMbps() == 20);
      await().atMost(Duration.ofSeconds(5)).until(() -> agentChanges.contains("join site-0"));
      player.roundsDone(3); // nothing fires twice
      await().atMost(Duration.ofSeconds(5)).until(() -> player.applied().size() == 5);
      assertThat(player.applied()).extracting(ScenarioPlayer.Applied::type)
          .containsExactly("partition", "heal", "leave", "bandwidth", "join");
      assertThat(player.applied().get(2).round()).as("the leave fired as round 2 started").isEqualTo(2);
      assertThat(player.drainNew()).hasSize(5);
      assertThat(player.drainNew()).isEmpty();
    }
  }

  @Test
  void aFlappingLinkGoesDownAndUpEachPeriod() throws Exception {
    Scenario s = ScenarioLoader.parse("name: f\nevents: [{type: flap, atSeconds: 0, sites: [site-0], periodSeconds: 0.4, downSeconds: 0.2}]",
        "test");
    try (WanLink a = link(new WanLink.Profile(10, 100)); ScenarioPlayer player = new ScenarioPlayer(s, 1, 4, sites(Map.of("site-0", a)))) {
      player.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> player.applied().stream().filter(x -> x.type().equals("up")).count() >= 2);
      assertThat(player.applied()).extracting(ScenarioPlayer.Applied::type).startsWith("flap", "down", "up", "down", "up");
    }
  }

  private ScenarioSites sites(Map<String, WanLink> links) {
    return new ScenarioSites() {
      @Override
      public WanLink link(String site) {
        return links.get(site);
      }

      @Override
      public void leave(String site) {
        agentChanges.add("leave " + site);
      }

      @Override
      public void join(String site) {
        agentChanges.add("join " + site);
      }
    };
  }

  private WanLink link(WanLink.Profile p) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return WanLink.open(reactor, port, target.getLocalPort(), p);
  }
}
