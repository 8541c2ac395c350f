package io.fedmesh.mesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11's benchmark: the same WAN (scenario mixed: two 10x stragglers, a 2 Mbit/s site, a
 * flapping site, every link halved part-way) and the same data, trained to a target three ways in
 * one run, each a real `./fedmesh local` (its own processes, agents, operator and API server):
 * (a) synchronous FedAvg over every site with a fixed deadline and fp32, as Flower and Sedna run;
 * (b) fedmesh's rounds planned from the sites' forecasts; (c) BufferedAsync; (b) and (c) with
 * --compression (top-k with error feedback by default, the downlink sending patches of what a site
 * holds). The figures are ratios of (b or c, whichever reaches the target sooner)
 * against (a): training time and bytes to the target, and the final metric's difference.
 */
@Command(name = "wan", mixinStandardHelpOptions = true,
    description = "Scenario mixed to a target: fixed-deadline fp32 FedAvg vs planned rounds vs BufferedAsync, one run.")
public final class WanBenchmark implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--problem", defaultValue = "fashion-mnist", description = "The local mesh's --problem (default: ${DEFAULT-VALUE}).")
  String problem;

  @Option(names = "--sites", defaultValue = "8", description = "Sites; mixed describes 8 (default: ${DEFAULT-VALUE}).")
  int sites;

  @Option(names = "--target", defaultValue = "0.85", description = "Held-out accuracy to reach (default: ${DEFAULT-VALUE}).")
  double target;

  @Option(names = "--max-rounds", defaultValue = "20", description = "Rounds each synchronous run may take (default: ${DEFAULT-VALUE}).")
  int maxRounds;

  @Option(names = "--max-versions", defaultValue = "60", description = "Versions BufferedAsync may make, each from --buffer-size"
      + " updates (default: ${DEFAULT-VALUE}).")
  int maxVersions;

  @Option(names = "--buffer-size", defaultValue = "3", description = "BufferedAsync's K (default: ${DEFAULT-VALUE}).")
  int bufferSize;

  @Option(names = "--fixed-deadline", defaultValue = "60", description = "The baseline's round timeout in seconds (default: ${DEFAULT-VALUE}).")
  int fixedDeadline;

  @Option(names = "--round-target", defaultValue = "auto", description = "The planned rounds' target: seconds, or auto (the median"
      + " site's forecast) (default: ${DEFAULT-VALUE}).")
  String roundTarget;

  @Option(names = "--compression", defaultValue = "topk", description = "The fedmesh runs' spec.wan.compression (the baseline's is"
      + " none): topk with error feedback and patched downloads, or auto, per link the widest that fits (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(names = "--topk-fraction", defaultValue = "0.05", description = "With --compression topk: the share of values each"
      + " update sends (default: ${DEFAULT-VALUE}).")
  double topkFraction;

  @Option(names = "--halve-at", defaultValue = "120", description = "Seconds into each run at which every link's bandwidth halves;"
      + " by time, so the three runs see the same WAN (default: ${DEFAULT-VALUE}).")
  int halveAt;

  @Option(names = "--timeout", defaultValue = "1800", description = "Seconds each run may take (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the data, models and selection (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Where the three runs write (default: a new directory under the system's temp).")
  Path out;

  record Variant(String name, String what, List<String> flags) {}

  @Override
  public Integer call() throws Exception {
    if (!(target > 0 && target <= 1) || sites < 2 || maxRounds < 1 || maxVersions < 1) {
      System.err.println("wan: --target must be an accuracy in (0, 1], --sites at least 2, --max-rounds and --max-versions at least 1");
      return 2;
    }
    if (!List.of("topk", "auto", "int8", "fp16", "none").contains(compression)) {
      System.err.println("wan: --compression must be topk, auto, int8, fp16 or none (got " + compression + ")");
      return 2;
    }
    Path dir = out != null ? out.toAbsolutePath() : Files.createTempDirectory("fedmesh-bench-wan");
    Files.createDirectories(dir);
    Path scenario = writeScenario(dir);
    List<String> encoding = "topk".equals(compression) ? List.of("--compression", "topk", "--topk-fraction", String.valueOf(topkFraction))
        : List.of("--compression", compression);
    String encoded = "topk".equals(compression) ? String.format(Locale.ROOT, "top-k %.0f%% with error feedback", 100 * topkFraction)
        : "encoding " + compression + " per link";
    List<Variant> variants = List.of(
        new Variant("fixed-fp32", "FedAvg, every site, fixed " + fixedDeadline + " s deadline, fp32", List.of("--strategy", "FedAvg",
            "--compression", "none", "--fixed-deadline", String.valueOf(fixedDeadline), "--rounds", String.valueOf(maxRounds))),
        new Variant("planned", "FedAvg, rounds planned to " + ("auto".equals(roundTarget) ? "the median forecast" : roundTarget + " s")
            + ", " + encoded, concat(List.of("--strategy", "FedAvg", "--round-target", roundTarget, "--rounds", String.valueOf(maxRounds)),
            encoding)),
        new Variant("async", "BufferedAsync K=" + bufferSize + ", " + encoded, concat(List.of("--strategy", "BufferedAsync",
            "--buffer-size", String.valueOf(bufferSize), "--rounds", String.valueOf(maxVersions)), encoding)));
    System.out.printf(Locale.ROOT, "wan: %s, %d sites, scenario mixed (links halved at %d s), target accuracy %.3f, seed %d; runs in %s%n",
        problem, sites, halveAt, target, seed, dir);
    List<ToTarget> results = new ArrayList<>();
    for (Variant v : variants) {
      ToTarget r = run(v, dir, scenario);
      results.add(r);
      System.out.printf(Locale.ROOT, "  %-11s %s: %s%n", v.name(), v.what(), describe(r));
    }
    ToTarget a = results.get(0);
    int best = bestOf(results.get(1), results.get(2)) == results.get(1) ? 1 : 2;
    ToTarget b = results.get(best);
    System.out.printf(Locale.ROOT, "RESULT wan time_ratio=%.3f bytes_ratio=%.3f accuracy_delta=%.4f baseline_s=%.1f best=%s"
        + " reached=%s target=%.3f baseline_bytes=%d best_s=%.1f best_bytes=%d%n",
        b.seconds() / a.seconds(), (double) b.bytes() / a.bytes(), b.finalMetric() - a.finalMetric(), a.seconds(),
        variants.get(best).name(), reachedWord(a, b), target, a.bytes(), b.seconds(), b.bytes());
    return 0;
  }

  /** The faster of the two to the target; one that did not reach it loses to one that did. */
  static ToTarget bestOf(ToTarget b, ToTarget c) {
    if (b.reached() != c.reached()) {
      return b.reached() ? b : c;
    }
    return b.seconds() <= c.seconds() ? b : c;
  }

  private static String reachedWord(ToTarget a, ToTarget b) {
    return a.reached() && b.reached() ? "both" : a.reached() ? "baseline-only" : b.reached() ? "best-only" : "neither";
  }

  private String describe(ToTarget r) {
    String reached = r.reached()
        ? String.format(Locale.ROOT, "reached %.3f at step %d after %.1f s of training and %,d bytes", target, r.reachedAt(), r.seconds(),
            r.bytes())
        : String.format(Locale.ROOT, "did not reach %.3f in %d steps (%.1f s, %,d bytes)", target, r.steps(), r.seconds(), r.bytes());
    return reached + String.format(Locale.ROOT, "; final accuracy %.4f", r.finalMetric());
  }

  /** mixed, with the bandwidth halving at a time instead of half-way through the rounds the run would make. */
  private Path writeScenario(Path dir) throws IOException {
    String mixed;
    try (InputStream in = WanBenchmark.class.getClassLoader().getResourceAsStream("scenarios/mixed.yaml")) {
      if (in == null) {
        throw new IllegalStateException("scenarios/mixed.yaml is missing from the fedmesh-mesh jar: rebuild with ./mvnw install");
      }
      mixed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String halving = "{type: bandwidth, atProgress: 0.5, factor: 0.5}";
    if (!mixed.contains(halving)) {
      throw new IllegalStateException("scenarios/mixed.yaml no longer has the event " + halving + " this benchmark moves to a time");
    }
    Path file = dir.resolve("wan-mixed.yaml");
    Files.writeString(file, mixed.replace("name: mixed", "name: mixed-timed")
        .replace(halving, "{type: bandwidth, atSeconds: " + halveAt + ", factor: 0.5}"));
    return file;
  }

  private ToTarget run(Variant v, Path dir, Path scenario) throws IOException, InterruptedException {
    Path runOut = dir.resolve(v.name());
    List<String> cmd = new ArrayList<>(List.of(io.fedmesh.common.process.JavaBinary.path(), "-Xmx3g", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        "io.fedmesh.mesh.FedmeshCli", "local", "--problem", problem, "--sites", String.valueOf(sites), "--scenario", scenario.toString(),
        "--target", String.valueOf(target), "--seed", String.valueOf(seed), "--timeout", String.valueOf(timeout), "--out",
        runOut.toString()));
    cmd.addAll(v.flags());
    Path log = dir.resolve(v.name() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout + 300L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(v.name() + " did not end within " + (timeout + 300) + " s; see " + log);
    }
    Path summary = runOut.resolve("summary.json");
    if (!Files.isRegularFile(summary)) {
      throw new IllegalStateException(v.name() + " exited " + p.exitValue() + " without a summary; see " + log);
    }
    JsonNode s = JSON.readTree(summary.toFile());
    return ToTarget.of(s, target, true);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

}
