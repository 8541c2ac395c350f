package io.fedmesh.mesh.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  @TempDir Path tmp;

  @Test
  void everyBuiltInLoadsAndFitsTheRunItIsMeantFor() {
    for (String name : ScenarioLoader.BUILT_INS) {
      Scenario s = ScenarioLoader.load(name);
      assertThat(s.name).isEqualTo(name);
      assertThat(s.description).as(name).isNotBlank();
      ScenarioLoader.requireFits(s, name.equals("mixed") ? 8 : 4, 10);
    }
  }

  @Test
  void calmGivesTheFixedLinksInTurnAndFullSpeed() {
    Scenario calm = ScenarioLoader.load("calm");
    assertThat(calm.site(0).profile()).isEqualTo(new WanLink.Profile(10, 200));
    assertThat(calm.site(3).profile()).isEqualTo(new WanLink.Profile(80, 20));
    assertThat(calm.site(4).profile()).as("links repeat").isEqualTo(new WanLink.Profile(10, 200));
    assertThat(calm.site(2).computeSlowdown()).isEqualTo(1);
    assertThat(calm.events).isEmpty();
  }

  @Test
  void mixedIsTheIssuesWan() {
    Scenario mixed = ScenarioLoader.load("mixed");
    assertThat(mixed.site(0).computeSlowdown()).isEqualTo(10);
    assertThat(mixed.site(1).computeSlowdown()).isEqualTo(10);
    assertThat(mixed.site(2).bandwidthMbps()).isEqualTo(2);
    assertThat(mixed.site(2).rttMs()).as("sites.site-2 over links[2]").isEqualTo(120);
    assertThat(mixed.site(5).profile()).as("site-5 keeps links[1]").isEqualTo(new WanLink.Profile(30, 100));
    Scenario.Event flap = mixed.events.get(0);
    assertThat(flap.type).isEqualTo(Scenario.Type.flap);
    assertThat(flap.periodSeconds).isEqualTo(60);
    assertThat(flap.downSeconds).isEqualTo(20);
    Scenario.Event halving = mixed.events.get(1);
    assertThat(Scenario.startRound(halving, 10)).as("half-way: after 5 of 10 rounds").isEqualTo(6);
    assertThat(Scenario.startRound(halving, 3)).isEqualTo(2);
    assertThat(Scenario.targets(halving, 8)).as("no sites: all of them").hasSize(8).contains("site-0", "site-7");
  }

  @Test
  void aJoinBeforeAnyLeaveStartsTheSiteLate() {
    Scenario s = ScenarioLoader.parse("""
        name: late
        events:
          - {type: join, atRound: 3, sites: [site-2]}
          - {type: leave, atRound: 2, sites: [site-1]}
          - {type: join, atRound: 4, sites: [site-1]}
        """, "test");
    assertThat(s.joinLater()).containsExactly("site-2");
  }

  @Test
  void aFileLoadsByPath() throws Exception {
    Path f = tmp.resolve("my.yaml");
    Files.writeString(f, "name: mine\ndefaults: {rttMs: 20, bandwidthMbps: 5, jitterMs: 3, computeSlowdown: 2}\n");
    Scenario s = ScenarioLoader.load(f.toString());
    assertThat(s.site(7)).isEqualTo(new Scenario.Site("site-7", 20, 5, 3, 2));
  }

  @Test
  void theExampleFileUnderExamplesLoads() {
    Scenario s = ScenarioLoader.load(Path.of("..", "examples", "scenarios", "wan-scenario.yaml").toString());
    ScenarioLoader.requireFits(s, 4, 10);
    assertThat(s.events).isNotEmpty();
  }

  @Test
  void refusalsNameTheFieldAndTheFix() {
    refused("name: x\nsites: {site-1: {bandwidthMbps: 0}}", "sites.site-1.bandwidthMbps must be above 0", "partition event");
    refused("name: x\nsites: {site-1: {computeSlowdown: 99}}", "sites.site-1.computeSlowdown must be between 1 (full speed) and 50");
    refused("name: x\nsites: {edge-1: {rttMs: 3}}", "sites.edge-1: not a local mesh site name");
    refused("name: x\nlinks: [{rttMs: -1}]", "links[0].rttMs must be between 0 and 10000");
    refused("name: x\nevents: [{type: partition, atRound: 2}]", "events[0].durationSeconds is needed");
    refused("name: x\nevents: [{type: bandwidth, atRound: 2}]", "events[0]: a bandwidth event takes exactly one of bandwidthMbps");
    refused("name: x\nevents: [{type: bandwidth, atRound: 2, factor: 0.5, atSeconds: 3}]", "give exactly one of atSeconds, atRound and atProgress");
    refused("name: x\nevents: [{type: flap, atSeconds: 0, periodSeconds: 10, downSeconds: 10}]", "events[0].downSeconds is needed, above 0 and below periodSeconds");
    refused("name: x\nevents: [{type: leave, atRound: 2}]", "events[0].sites is needed for a leave event");
    refused("name: x\nevents: [{type: partition, atRound: 2, durationSeconds: 5, factor: 2}]", "events[0].factor: a partition event does not take it: drop it");
    refused("name: x\nevents: [{type: partition, atProgress: 1.0, durationSeconds: 5}]", "events[0].atProgress must be at least 0 and below 1");
    refused("name: x\nevents: [{type: wobble, atRound: 2}]", "events[0].type");
    refused("name: x\nsites: {site-1: {bandwith: 3}}", "sites.site-1.bandwith is not a scenario field: use one of bandwidthMbps, computeSlowdown, jitterMs, rttMs");
    refused("description: nameless", "name is missing");
    refused("name: 'unclosed", "not valid YAML");
    refused("name: [a, b]", "name: Cannot deserialize");
  }

  @Test
  void aScenarioThatNamesSitesOrRoundsTheRunLacksIsRefusedWithTheOptionToChange() {
    Scenario s = ScenarioLoader.parse("name: big\nsites: {site-9: {rttMs: 3}}\nevents: [{type: leave, atRound: 12, sites: [site-8]}]", "t");
    assertThatThrownBy(() -> ScenarioLoader.requireFits(s, 8, 10))
        .hasMessageContaining("sites.site-9: this run has 8 sites (site-0 to site-7): raise --sites or drop it")
        .hasMessageContaining("events[0].sites: site-8 is not in the run")
        .hasMessageContaining("events[0].atRound 12 is after the last round 10: lower it or raise --rounds");
    ScenarioLoader.requireFits(s, 10, 12);
  }

  @Test
  void neitherABuiltInNorAFileSaysWhatIs() {
    assertThatThrownBy(() -> ScenarioLoader.load("stormy")).hasMessageContaining("--scenario stormy is neither a built-in (calm,"
        + " stragglers, flaky, partition, mixed) nor a readable file");
  }

  private static void refused(String yaml, String... parts) {
    var thrown = assertThatThrownBy(() -> ScenarioLoader.parse(yaml, "test.yaml")).isInstanceOf(ScenarioLoader.ScenarioException.class)
        .hasMessageStartingWith("test.yaml");
    for (String p : parts) {
      thrown.hasMessageContaining(p);
    }
  }
}
