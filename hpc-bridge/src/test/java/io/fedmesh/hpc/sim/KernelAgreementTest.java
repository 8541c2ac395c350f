package io.fedmesh.hpc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The same problem computed different ways must agree: split into row strips with halo exchange
 * (CPU, always runs) and on the GPU through JCuda (runs only where a GPU is present).
 */
class KernelAgreementTest {
  private static final int N = 50;

  private static StencilCoefficients coefficients(Boundary b) {
    float u = 0.8f;
    float v = 0.3f;
    float d = 0.004f;
    return new StencilCoefficients(u, v, d, StencilFields.stableDt(N, u, v, d), 1f / N, b);
  }

  private static float[] source() {
    SimulationParameters p = SimulationParameters.of(java.util.Map.of("sourceX", 0.3, "sourceY", 0.4));
    float[] s = new float[N * N];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        s[i * N + j] = (float) p.source((j + 0.5) / N, (i + 0.5) / N);
      }
    }
    return s;
  }

  @Test
  void cpuRowStripsWithHaloExchangeEqualTheWholeGrid() {
    CpuStencilKernel cpu = new CpuStencilKernel();
    for (Boundary b : Boundary.values()) {
      float[] initial = StencilFields.blob(N, 0.6, 0.45, 0.07);
      float[] whole = StencilFields.run(cpu, N, coefficients(b), source(), initial, 150);
      for (int parts : new int[] {2, 3, 7}) {
        float[] split = StencilFields.runSplit(cpu, N, parts, coefficients(b), source(), initial, 150);
        // every cell sees the same neighbours in the same order: equal to the last bit
        assertThat(split).as("%s, %d strips", b, parts).containsExactly(whole);
      }
      assertThat(StencilFields.max(whole)).isGreaterThan(0.1f);
    }
  }

  @Test
  void jcudaKernelAgreesWithTheCpuKernel() {
    GpuProbe.Result gpu = GpuProbe.probe();
    if (!gpu.available()) {
      System.out.println("SKIPPED KernelAgreementTest GPU half: " + gpu.description());
    }
    Assumptions.assumeTrue(gpu.available(), () -> "no GPU here: " + gpu.description());
    JCudaStencilKernel jcuda = JCudaStencilKernel.create();
    CpuStencilKernel cpu = new CpuStencilKernel();
    for (Boundary b : Boundary.values()) {
      float[] initial = StencilFields.blob(N, 0.6, 0.45, 0.07);
      float[] onCpu = StencilFields.run(cpu, N, coefficients(b), source(), initial, 300);
      float[] onGpu = StencilFields.run(jcuda, N, coefficients(b), source(), initial, 300);
      float[] onGpuSplit = StencilFields.runSplit(jcuda, N, 3, coefficients(b), source(), initial, 300);
      double tolerance = 1e-5 * StencilFields.max(onCpu);
      double diff = StencilFields.maxAbsDiff(onCpu, onGpu);
      System.out.printf("KernelAgreementTest %s on %s: max |cpu - gpu| = %.3g (tolerance %.3g)%n", b, gpu.description(),
          diff, tolerance);
      assertThat(diff).as("%s: whole grid", b).isLessThanOrEqualTo(tolerance);
      assertThat(StencilFields.maxAbsDiff(onCpu, onGpuSplit)).as("%s: 3 strips", b).isLessThanOrEqualTo(tolerance);
      assertThat(StencilFields.max(onGpu)).isGreaterThan(0.1f);
    }
  }
}
