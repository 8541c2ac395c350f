package io.fedmesh.operator.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Picks the sites of a round from the eligible ones: how many follows min/max/fraction; which
 * prefers sites that delivered before (reliability), have more data and a faster link, with a
 * seeded random tie-break so rounds spread over equal sites.
 */
public final class ParticipantSelector {
  static final double RTT_STEP_MS = 10;

  /** What selection needs to know of an eligible site. */
  public record Candidate(String site, long samples, double rttMs, double bandwidthMbps, long completed, long missed) {
    double reliability() {
      return (completed + 1.0) / (completed + missed + 2.0);
    }
  }

  /** How many of {@code eligible} sites take part. */
  public static int count(int eligible, int minSites, Integer maxSites, double fraction) {
    int n = (int) Math.ceil(eligible * fraction);
    n = Math.max(n, minSites);
    if (maxSites != null) {
      n = Math.min(n, maxSites);
    }
    return Math.min(n, eligible);
  }

  public List<String> select(List<Candidate> eligible, int minSites, Integer maxSites, double fraction, long seed) {
    int n = count(eligible.size(), minSites, maxSites, fraction);
    Random random = new Random(seed);
    List<Candidate> ranked = new ArrayList<>(eligible);
    // a small random jitter keeps equal sites rotating between rounds
    List<double[]> scores = new ArrayList<>();
    for (Candidate c : ranked) {
      // RTT in 10 ms steps: links that differ by jitter rank alike, so the seed alone breaks their tie
      double linkScore = 1.0 / (1.0 + Math.round(c.rttMs() / RTT_STEP_MS) * RTT_STEP_MS / 100.0);
      double dataScore = Math.log1p(c.samples());
      scores.add(new double[] {c.reliability() * 4 + linkScore + dataScore * 0.1 + random.nextDouble() * 0.5});
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> scores.get(i)[0]).reversed());
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chosen.add(ranked.get(order.get(i)).site());
    }
    chosen.sort(String::compareTo);
    return chosen;
  }
}
