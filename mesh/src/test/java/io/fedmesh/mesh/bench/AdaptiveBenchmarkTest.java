package io.fedmesh.mesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `fedmesh bench adaptive` in small (a 16 x 16 grid, 200 site readings, two bursts of four tasks):
 * both campaigns start from the same model, the first burst of each is the whole sweep, the
 * guided second burst spreads over the operator's chosen regions, and the cost counted is the
 * solver's, burst by burst.
 */
class AdaptiveBenchmarkTest {
  @Test
  void aSmallRunComparesUniformAndGuidedFromTheSameStart() {
    AdaptiveBenchmark bench = new AdaptiveBenchmark();
    new CommandLine(bench).parseArgs("--grid", "16", "--site-samples", "50", "--tasks", "4", "--max-bursts", "2", "--epochs", "1",
        "--target", "0.999", "--regions-per-burst", "2", "--cost-aware");
    AdaptiveBenchmark.Result r = bench.run();
    assertThat(r.uniform().steps()).hasSize(2).allSatisfy(s -> assertThat(s.region()).isEqualTo("whole sweep"));
    assertThat(r.guided().steps()).hasSize(2);
    assertThat(r.guided().steps().get(0).region()).as("nothing to judge by yet").isEqualTo("whole sweep");
    assertThat(r.guided().steps().get(0).r2()).as("the same start, the same first burst").isEqualTo(r.uniform().steps().get(0).r2());
    assertThat(r.guided().steps().get(1).region().split("; ")).hasSize(2);
    assertThat(r.uniform().reached()).isEqualTo(r.uniform().finalR2() >= 0.999);
    assertThat(r.uniform().cellUpdates()).isPositive();
    assertThat(r.guided().coreSeconds()).isPositive().isEqualTo(r.guided().steps().get(1).totalCoreSeconds());
    assertThat(AdaptiveBenchmark.brief("a; b; c")).isEqualTo("a (+2 more)");
  }
}
