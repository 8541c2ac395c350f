package io.fedmesh.bench.robust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RobustBenchmarkTest {
  @Test
  void attacksScaleOrFlipTheTrainedChange() {
    float[] global = {1, 2};
    float[] trained = {2, 1};
    assertThat(Attack.SIGN_FLIPPED.apply(global, trained)).containsExactly(0f, 3f);
    assertThat(Attack.SCALED.apply(global, trained)).containsExactly(-9f, 12f);
  }

  /** A short run of the real command (DJL training, the operator's strategies): Krum holds, FedAvg is dragged away. */
  @Test
  void krumKeepsItsAccuracyUnderAttackWhereFedAvgLosesIt() {
    RobustBenchmark bench = new RobustBenchmark();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    bench.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    assertThat(new CommandLine(bench).execute("--sites", "7", "--rounds", "6", "--samples", "160")).isZero();
    String text = buf.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("RESULT robust strategy=(\\w+) clean=([0-9.]+) attacked=([0-9.]+) delta=([-+0-9.]+)").matcher(text);
    Map<String, double[]> lines = new HashMap<>();
    while (m.find()) {
      lines.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))});
    }
    assertThat(lines).containsOnlyKeys("FedAvg", "Median", "TrimmedMean", "Krum", "FedAdam");
    assertThat(text).contains("the norm bound is off for every RESULT line");
    lines.values().forEach(v -> assertThat(v[2]).isCloseTo(v[1] - v[0], org.assertj.core.data.Offset.offset(1e-3)));
    assertThat(lines.get("Krum")[0]).as("Krum learns").isGreaterThan(0.6);
    assertThat(lines.get("Krum")[2]).isGreaterThanOrEqualTo(-0.02);
    assertThat(lines.get("FedAvg")[2]).isLessThan(-0.1);
  }

  @Test
  void tooFewSitesForKrumAreRefusedByName() {
    RobustBenchmark bench = new RobustBenchmark();
    assertThat(new CommandLine(bench).execute("--sites", "6")).isEqualTo(2);
  }
}
