package io.fedmesh.hpc.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlurmClusterTest {
  @Test
  void sumsSinfoLinesPerPartition() {
    var parts = SlurmCluster.parsePartitions("""
        compute*|8/24/0/32|2|mixed|(null)
        compute*|0/32/0/32|2|idle|(null)
        gpu|4/4/0/8|1|mixed|gpu:a100:4(S:0-1)
        gpu|0/8/0/8|1|idle|gpu:a100:4(S:0-1)
        gpu|0/0/8/8|1|down*|gpu:a100:4
        """);
    assertThat(parts.keySet()).containsExactly("compute", "gpu");
    var compute = parts.get("compute").build();
    assertThat(compute.getTotalCpus()).isEqualTo(64);
    assertThat(compute.getFreeCpus()).isEqualTo(56);
    assertThat(compute.getNodes()).isEqualTo(4);
    assertThat(compute.getIdleNodes()).isEqualTo(2);
    var gpu = parts.get("gpu").build();
    assertThat(gpu.getTotalGpus()).isEqualTo(12);
    assertThat(gpu.getFreeGpus()).as("GPUs on idle nodes").isEqualTo(4);
    assertThat(gpu.getState()).isEqualTo("partly down");
    assertThat(SlurmCluster.gpus("gpu:2,gpu:v100:1")).isEqualTo(3);
  }
}
