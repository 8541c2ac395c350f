package io.fedmesh.operator.hpc;

import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.HpcClusterStatus;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.StatusRecorder;
import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.Partition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.regex.Pattern;

/** Probes the bridge of an HpcCluster every 15 s: Ready with queue and free resources, or Unreachable with the error. */
@ControllerConfiguration(name = "hpccluster")
public final class HpcClusterReconciler implements Reconciler<HpcCluster> {
  static final Duration PROBE_EVERY = Duration.ofSeconds(15);
  private static final Pattern ENDPOINT = Pattern.compile("^[A-Za-z0-9.-]+:[0-9]{1,5}$");

  private final BridgeClient bridges;
  private final StatusRecorder<HpcClusterStatus, HpcCluster> status;
  private final Timer latency;

  public HpcClusterReconciler(BridgeClient bridges, StatusRecorder<HpcClusterStatus, HpcCluster> status, Timer latency) {
    this.bridges = bridges;
    this.status = status;
    this.latency = latency;
  }

  @Override
  public UpdateControl<HpcCluster> reconcile(HpcCluster cluster, Context<HpcCluster> context) {
    return latency.record(() -> doReconcile(cluster));
  }

  private UpdateControl<HpcCluster> doReconcile(HpcCluster cluster) {
    HpcClusterStatus previous = cluster.getStatus();
    HpcClusterStatus st = new HpcClusterStatus();
    st.observedGeneration = cluster.getMetadata().getGeneration();
    st.lastProbeTime = Conditions.now();
    var spec = cluster.getSpec();
    if (spec == null || spec.bridge == null || spec.bridge.endpoint == null || !ENDPOINT.matcher(spec.bridge.endpoint).matches()) {
      st.reachable = false;
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "ValidationFailed",
          "spec.bridge.endpoint must be host:port of the hpc-bridge (e.g. hpc-gw.example.org:7443)", st.observedGeneration);
      status.merge(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), st);
      return UpdateControl.noUpdate();
    }
    int timeout = spec.bridge.timeoutSeconds == null ? io.fedmesh.api.v1alpha1.TrainingDefaults.BRIDGE_TIMEOUT_SECONDS : spec.bridge.timeoutSeconds;
    try {
      ClusterInfo info = bridges.describe(spec.bridge.endpoint, timeout);
      st.reachable = true;
      st.schedulerVersion = info.getScheduler() + " (" + info.getVersion() + ")";
      st.queueDepth = info.getQueueDepth();
      st.runningJobs = info.getRunningJobs();
      st.freeCpus = info.getPartitionsList().stream().mapToInt(Partition::getFreeCpus).sum();
      st.freeGpus = info.getPartitionsList().stream().mapToInt(Partition::getFreeGpus).sum();
      st.partitions = new ArrayList<>();
      for (Partition p : info.getPartitionsList()) {
        HpcClusterStatus.PartitionStatus ps = new HpcClusterStatus.PartitionStatus();
        ps.name = p.getName();
        ps.state = p.getState();
        ps.totalCpus = p.getTotalCpus();
        ps.freeCpus = p.getFreeCpus();
        ps.freeGpus = p.getFreeGpus();
        st.partitions.add(ps);
      }
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, true, "Reachable",
          "bridge at " + spec.bridge.endpoint + " answers: " + info.getScheduler(), st.observedGeneration);
    } catch (RuntimeException e) {
      st.reachable = false;
      Conditions.set(st, previous, FedmeshApi.CONDITION_READY, false, "Unreachable",
          "bridge at " + spec.bridge.endpoint + " did not answer: " + e.getMessage()
              + "; check that hpc-bridge runs there and the network path is open", st.observedGeneration);
    }
    status.merge(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), st);
    return UpdateControl.<HpcCluster>noUpdate().rescheduleAfter(PROBE_EVERY);
  }
}
