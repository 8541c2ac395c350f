package io.fedmesh.mesh.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {
  static int[] classCounts(Dataset d, int classes) {
    int[] c = new int[classes];
    for (float y : d.y()) {
      c[(int) y]++;
    }
    return c;
  }

  @Test
  void sameSeedSameData() {
    Dataset a = new SyntheticData(8, 3, 7).sites(2, 100, 0.5).get(1);
    Dataset b = new SyntheticData(8, 3, 7).sites(2, 100, 0.5).get(1);
    assertThat(a.x()).containsExactly(b.x());
    assertThat(a.y()).containsExactly(b.y());
  }

  @Test
  void sitesAreNonIidButTheTestSetIsBalanced() {
    SyntheticData gen = new SyntheticData(8, 3, 11);
    List<Dataset> sites = gen.sites(6, 600, 0.3);
    // with alpha 0.3 at least one site is dominated by one class
    boolean skewed = sites.stream().anyMatch(d -> {
      int[] c = classCounts(d, 3);
      return Math.max(c[0], Math.max(c[1], c[2])) > 0.6 * d.rows();
    });
    assertThat(skewed).isTrue();
    int[] test = classCounts(gen.balanced(3000, "test.csv"), 3);
    for (int c : test) {
      assertThat(c).isBetween(900, 1100);
    }
  }

  @Test
  void dirichletDrawsSumToOne() {
    double[] p = io.fedmesh.common.data.Dirichlet.draw(new java.util.Random(1), 4, 0.5);
    assertThat(p[0] + p[1] + p[2] + p[3]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }
}
