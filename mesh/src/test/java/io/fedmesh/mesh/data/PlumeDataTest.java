package io.fedmesh.mesh.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedmesh.common.data.Dataset;
import org.junit.jupiter.api.Test;

/** The plume problem's data: reference-solver readings, each site confined to what it observed. */
class PlumeDataTest {
  static float[] column(Dataset d, String name) {
    int f = d.featureNames().indexOf(name);
    float[] c = new float[d.rows()];
    for (int i = 0; i < d.rows(); i++) {
      c[i] = d.x()[i * d.features() + f];
    }
    return c;
  }

  static float min(float[] v) {
    float m = Float.MAX_VALUE;
    for (float x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  static float max(float[] v) {
    float m = -Float.MAX_VALUE;
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  @Test
  void sitesSeeTheirOwnWindBandAndCentralSourcesWhileTheTestSetSpansEverything() {
    PlumeData gen = new PlumeData(42);
    Dataset site0 = gen.site(0, 4, 300, "site-0.csv");
    Dataset site3 = gen.site(3, 4, 300, "site-3.csv");
    Dataset test = gen.test(600, "test.csv");
    assertThat(site0.featureNames()).containsExactly("diffusivity", "windX", "windY", "sourceX", "sourceY", "sourceStrength",
        "sourceWidth", "duration", "x", "y", "t");
    assertThat(max(column(site0, "windX"))).isLessThanOrEqualTo(-0.5f);
    assertThat(min(column(site3, "windX"))).isGreaterThanOrEqualTo(0.5f);
    assertThat(min(column(site0, "sourceY"))).isGreaterThanOrEqualTo(0.45f);
    assertThat(max(column(site0, "sourceY"))).isLessThanOrEqualTo(0.55f);
    assertThat(min(column(test, "sourceY"))).isLessThan(0.35f);
    assertThat(max(column(test, "sourceY"))).isGreaterThan(0.65f);
    assertThat(max(test.y())).as("some sensor is inside a plume").isGreaterThan(0.05f);
    assertThat(min(test.y())).as("concentrations are physical").isGreaterThanOrEqualTo(0f);
  }

  @Test
  void sameSeedSameReadings() {
    assertThat(new PlumeData(7).site(1, 2, 150, "a").y()).containsExactly(new PlumeData(7).site(1, 2, 150, "b").y());
  }
}
