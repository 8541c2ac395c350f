package io.fedmesh.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.operator.hpc.BurstRequests;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mesh's bridge runs its burst template through the allowlist, with no --applications file. */
class LocalHpcTest {
  @TempDir Path out;

  @Test
  void theBlobsSamplerBurstRunsAsAnAllowlistedApplication() throws Exception {
    SimulationBurstSpec spec = LocalHpc.burstTemplate("local", 7, false);
    spec.tasks = 2;
    spec.clusterRef = LocalHpc.CLUSTER;
    SimulationBurst burst = new SimulationBurst();
    burst.setMetadata(new ObjectMetaBuilder().withName("blobs").withNamespace("default").withUid("blobs-uid-1").build());
    burst.setSpec(spec);
    MeshCertificates certs = MeshCertificates.issue(out.resolve("certs"), "default", java.util.List.of());
    try (LocalHpc hpc = LocalHpc.start("local", out, certs.bridge())) {
      // as the operator reaches it: mutual TLS with the operator's certificate
      ManagedChannel ch = io.fedmesh.common.security.MutualTls.channel("127.0.0.1:" + hpc.port(), certs.operator()).build();
      try {
        var stub = HpcBridgeGrpc.newBlockingStub(ch);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).submit(BurstRequests.of(burst, null, null));
        GetBurstRequest get = GetBurstRequest.newBuilder().setBurstUid("blobs-uid-1").build();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          BurstPhase phase = stub.withDeadlineAfter(10, TimeUnit.SECONDS).get(get).getPhase();
          return phase == BurstPhase.BURST_PHASE_SUCCEEDED || phase == BurstPhase.BURST_PHASE_FAILED;
        });
        assertThat(stub.get(get).getPhase()).as(stub.get(get).toString()).isEqualTo(BurstPhase.BURST_PHASE_SUCCEEDED);
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).fetchData(FetchDataRequest.newBuilder().setBurstUid("blobs-uid-1").build())
            .forEachRemaining(c -> csv.writeBytes(c.getData().toByteArray()));
        assertThat(csv.toString(StandardCharsets.UTF_8).lines().count()).as("a header and 150 rows per task").isEqualTo(301);
        assertThat(Scrape.metrics(hpc.metricsPort())).as("the bridge's /metrics")
            .contains("fedmesh_bridge_tasks_started_total 2.0");
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
