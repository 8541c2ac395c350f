package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuStencilKernelTest {
  private final CpuStencilKernel kernel = new CpuStencilKernel();

  @Test
  void closedWallsConserveMassWhileWindAndDiffusionMoveThePlume() {
    int n = 48;
    float u = 0.7f;
    float v = -0.4f;
    float d = 0.01f;
    StencilCoefficients k = new StencilCoefficients(u, v, d, StencilFields.stableDt(n, u, v, d), 1f / n, Boundary.CLOSED);
    float[] initial = StencilFields.blob(n, 0.4, 0.6, 0.08);
    float[] after = StencilFields.run(kernel, n, k, new float[n * n], initial, 300);

    assertThat(StencilFields.sum(after)).isCloseTo(StencilFields.sum(initial), within(StencilFields.sum(initial) * 1e-5));
    // the plume really moved: its centre of mass went with the wind (+x, -y)
    double[] before = centroid(initial, n);
    double[] now = centroid(after, n);
    assertThat(now[0] - before[0]).isGreaterThan(0.1);
    assertThat(now[1] - before[1]).isLessThan(-0.05);
    for (float c : after) {
      assertThat(c).isGreaterThanOrEqualTo(0f); // upwind with a stable dt keeps concentrations non-negative
    }
  }

  @Test
  void openEdgesLetThePlumeLeave() {
    int n = 32;
    float u = 2f;
    float d = 0.005f;
    StencilCoefficients k = new StencilCoefficients(u, 0f, d, StencilFields.stableDt(n, u, 0f, d), 1f / n, Boundary.OPEN);
    float[] initial = StencilFields.blob(n, 0.7, 0.5, 0.05);
    float[] after = StencilFields.run(kernel, n, k, new float[n * n], initial, 200);
    assertThat(StencilFields.sum(after)).isLessThan(0.1 * StencilFields.sum(initial));
  }

  @Test
  void pureDiffusionOfACentredBlobStaysSymmetric() {
    int n = 40;
    float d = 0.02f;
    StencilCoefficients k = new StencilCoefficients(0f, 0f, d, StencilFields.stableDt(n, 0f, 0f, d), 1f / n, Boundary.OPEN);
    float[] c = StencilFields.run(kernel, n, k, new float[n * n], StencilFields.blob(n, 0.5, 0.5, 0.1), 150);
    float tol = 1e-5f * StencilFields.max(c);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        float here = c[i * n + j];
        assertThat(c[(n - 1 - i) * n + j]).as("mirror in y at %d,%d", i, j).isCloseTo(here, within(tol));
        assertThat(c[i * n + (n - 1 - j)]).as("mirror in x at %d,%d", i, j).isCloseTo(here, within(tol));
        assertThat(c[j * n + i]).as("transpose at %d,%d", i, j).isCloseTo(here, within(tol));
      }
    }
  }

  @Test
  void aCosineModeDecaysAtTheDiffusionRate() {
    // cos(pi x) cos(pi y) has zero normal gradient at the walls: it is a mode of the closed box and
    // decays as exp(-2 pi^2 D t); the discrete scheme multiplies it by (1 + dt * lambda_h) per step.
    int n = 32;
    float d = 0.01f;
    float dt = StencilFields.stableDt(n, 0f, 0f, d);
    StencilCoefficients k = new StencilCoefficients(0f, 0f, d, dt, 1f / n, Boundary.CLOSED);
    float[] mode = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        mode[i * n + j] = (float) (Math.cos(Math.PI * (j + 0.5) / n) * Math.cos(Math.PI * (i + 0.5) / n));
      }
    }
    int steps = 90;
    float[] after = StencilFields.run(kernel, n, k, new float[n * n], mode, steps);
    double dot = 0;
    double norm = 0;
    for (int i = 0; i < mode.length; i++) {
      dot += (double) after[i] * mode[i];
      norm += (double) mode[i] * mode[i];
    }
    double amplitude = dot / norm;
    double dx = 1.0 / n;
    double lambda = -2 * d * 4 / (dx * dx) * Math.pow(Math.sin(Math.PI * dx / 2), 2);
    assertThat(amplitude).isCloseTo(Math.pow(1 + dt * lambda, steps), within(1e-4));
    double t = steps * (double) dt;
    assertThat(amplitude).isCloseTo(Math.exp(-2 * Math.PI * Math.PI * d * t), within(0.01 * amplitude));
    assertThat(amplitude).isLessThan(0.8); // it really decayed
  }

  @Test
  void aSourceAddsDtTimesItsRateEachStep() {
    int n = 16;
    float dt = 0.01f;
    StencilCoefficients k = new StencilCoefficients(0f, 0f, 0.001f, dt, 1f / n, Boundary.CLOSED);
    float[] source = new float[n * n];
    java.util.Arrays.fill(source, 3f);
    float[] after = StencilFields.run(kernel, n, k, source, new float[n * n], 50);
    for (float c : after) {
      assertThat(c).isCloseTo(50 * dt * 3f, within(1e-4f));
    }
  }

  private static double[] centroid(float[] c, int n) {
    double m = 0;
    double x = 0;
    double y = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        m += c[i * n + j];
        x += c[i * n + j] * (j + 0.5) / n;
        y += c[i * n + j] * (i + 0.5) / n;
      }
    }
    return new double[] {x / m, y / m};
  }
}
