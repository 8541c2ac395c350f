package io.fedmesh.mesh.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DirichletSplitTest {
  private static final int CLASSES = 10;

  /** 1,000 samples of each of 10 classes, interleaved. */
  private static int[] labels() {
    int[] labels = new int[CLASSES * 1000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % CLASSES;
    }
    return labels;
  }

  @Test
  void everySampleGoesToExactlyOneSiteAndNoSiteIsEmpty() {
    for (double alpha : new double[] {0.01, 0.1, 0.5, 5, 1000}) {
      for (int sites : new int[] {1, 2, 8, 16, 32}) {
        int[][] parts = new DirichletSplit(alpha, 7).split(labels(), CLASSES, sites);
        int[] all = Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).as("alpha %s, %d sites", alpha, sites).hasSize(10_000);
        for (int i = 0; i < all.length; i++) {
          assertThat(all[i]).as("sample %d used once (alpha %s, %d sites)", i, alpha, sites).isEqualTo(i);
        }
        for (int[] site : parts) {
          assertThat(site).as("alpha %s, %d sites: no site empty", alpha, sites).isNotEmpty();
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    int[][] a = new DirichletSplit(0.5, 42).split(labels(), CLASSES, 8);
    int[][] b = new DirichletSplit(0.5, 42).split(labels(), CLASSES, 8);
    int[][] c = new DirichletSplit(0.5, 43).split(labels(), CLASSES, 8);
    assertThat(a).isDeepEqualTo(b);
    assertThat(Arrays.deepEquals(a, c)).isFalse();
  }

  @Test
  void smallAlphaSkewsTheSitesAndLargeAlphaGivesNearlyTheGlobalMix() {
    int[] labels = labels();
    double skewed = meanLargestClassShare(new DirichletSplit(0.05, 1).split(labels, CLASSES, 8), labels);
    double even = meanLargestClassShare(new DirichletSplit(1000, 1).split(labels, CLASSES, 8), labels);
    assertThat(skewed).as("alpha 0.05: a site is mostly one class").isGreaterThan(0.6);
    assertThat(even).as("alpha 1000: every class about a tenth of each site").isLessThan(0.13);
    int[][] uniform = new DirichletSplit(1000, 1).split(labels, CLASSES, 8);
    for (int[] site : uniform) {
      assertThat(site.length).as("site sizes under a flat mix").isBetween(1100, 1400);
    }
  }

  @Test
  void apportioningKeepsTheTotal() {
    assertThat(DirichletSplit.apportion(10, new double[] {0.5, 0.25, 0.25})).containsExactly(5, 3, 2);
    assertThat(Arrays.stream(DirichletSplit.apportion(7, new double[] {1, 1, 1})).sum()).isEqualTo(7);
    assertThat(DirichletSplit.apportion(4, new double[] {0, 0})).containsExactly(2, 2);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> new DirichletSplit(0, 1)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new DirichletSplit(0.5, 1).split(new int[] {0, 1}, 2, 3)).hasMessageContaining("over 3 sites");
  }

  private static double meanLargestClassShare(int[][] parts, int[] labels) {
    double sum = 0;
    for (int[] site : parts) {
      int[] counts = new int[CLASSES];
      for (int i : site) {
        counts[labels[i]]++;
      }
      sum += (double) Arrays.stream(counts).max().orElseThrow() / site.length;
    }
    return sum / parts.length;
  }
}
