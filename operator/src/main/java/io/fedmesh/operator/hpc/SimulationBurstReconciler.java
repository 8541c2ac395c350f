package io.fedmesh.operator.hpc;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusPatcher;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * observe -> validate (spec, then the HpcCluster it names) -> submit once (the uid makes a resubmit
 * harmless) -> mirror the bridge's counts and measurements -> on completion fetch the produced
 * samples into {@code <checkpointDir>/bursts/<ns>/<name>/data.csv}.
 */
@ControllerConfiguration(name = "simulationburst")
public final class SimulationBurstReconciler implements Reconciler<SimulationBurst> {
  private static final Duration POLL = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final BridgeClient bridges;
  private final StatusPatcher patcher;
  private final EventRecorder events;
  private final Path checkpointDir;
  private final Timer latency;

  public SimulationBurstReconciler(KubernetesClient client, BridgeClient bridges, StatusPatcher patcher, EventRecorder events,
      Path checkpointDir, Timer latency) {
    this.client = client;
    this.bridges = bridges;
    this.patcher = patcher;
    this.events = events;
    this.checkpointDir = checkpointDir;
    this.latency = latency;
  }

  @Override
  public UpdateControl<SimulationBurst> reconcile(SimulationBurst burst, Context<SimulationBurst> context) {
    return latency.record(() -> doReconcile(burst));
  }

  private UpdateControl<SimulationBurst> doReconcile(SimulationBurst burst) {
    SimulationBurstStatus prev = burst.getStatus();
    if (prev != null && (prev.phase == SimulationBurstStatus.Phase.Succeeded || prev.phase == SimulationBurstStatus.Phase.Failed)) {
      return UpdateControl.noUpdate();
    }
    String ns = burst.getMetadata().getNamespace();
    String name = burst.getMetadata().getName();
    List<String> problems = validate(burst.getSpec());
    if (!problems.isEmpty()) {
      return notReady(burst, "ValidationFailed", String.join("; ", problems), null);
    }
    HpcCluster cluster = client.resources(HpcCluster.class).inNamespace(ns).withName(burst.getSpec().clusterRef).get();
    if (cluster == null || cluster.getSpec() == null || cluster.getSpec().bridge == null) {
      return notReady(burst, "ClusterNotFound", "spec.clusterRef: HpcCluster '" + burst.getSpec().clusterRef
          + "' does not exist in namespace " + ns + "; create it (examples/hpccluster.yaml) or fix spec.clusterRef", Duration.ofSeconds(5));
    }
    String endpoint = cluster.getSpec().bridge.endpoint;
    int timeout = cluster.getSpec().bridge.timeoutSeconds == null ? 10 : cluster.getSpec().bridge.timeoutSeconds;
    SimulationBurstStatus st = copy(prev);
    st.observedGeneration = burst.getMetadata().getGeneration();
    try {
      if (st.submittedAt == null) {
        var resp = bridges.submit(endpoint, timeout, BurstRequests.of(burst, cluster.getSpec().partition, cluster.getSpec().account));
        st.submittedAt = Conditions.now();
        st.phase = SimulationBurstStatus.Phase.Submitted;
        events.normal(burst, "BurstSubmitted", burst.getSpec().tasks + " task(s) submitted to " + endpoint
            + (resp.getCreated() ? "" : " (the bridge already had this burst)"));
      }
      BurstStatus bs = bridges.get(endpoint, timeout, burst.getMetadata().getUid());
      st.total = bs.getTotal();
      st.pending = bs.getPending();
      st.queued = bs.getQueued();
      st.running = bs.getRunning();
      st.succeeded = bs.getSucceeded();
      st.failed = bs.getFailed();
      st.cancelled = bs.getCancelled();
      st.progress = (bs.getSucceeded() + bs.getFailed() + bs.getCancelled()) + "/" + bs.getTotal();
      boolean finished = bs.getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED || bs.getPhase() == BurstPhase.BURST_PHASE_FAILED
          || bs.getPhase() == BurstPhase.BURST_PHASE_CANCELLED;
      if (!finished) {
        st.phase = bs.getRunning() + bs.getSucceeded() + bs.getFailed() > 0 ? SimulationBurstStatus.Phase.Running : st.phase;
        Conditions.set(st, prev, FedmeshApi.CONDITION_READY, true, "Running", st.progress + " tasks done", st.observedGeneration);
        patcher.patch(SimulationBurst.class, ns, name, st);
        return UpdateControl.<SimulationBurst>noUpdate().rescheduleAfter(POLL);
      }
      st.makespanSeconds = round(bs.getMakespanSeconds());
      st.utilization = round(bs.getUtilization());
      st.predictedMakespanSeconds = round(bs.getPredictedMakespanSeconds());
      BridgeClient.Data data = bridges.fetch(endpoint, timeout, burst.getMetadata().getUid());
      if (data.csv().length > 0) {
        Path file = checkpointDir.resolve("bursts").resolve(ns).resolve(name).resolve("data.csv");
        AtomicFiles.write(file, data.csv());
        st.datasetPath = file.toString();
      }
      st.producedSamples = data.samples();
      boolean ok = bs.getPhase() == BurstPhase.BURST_PHASE_SUCCEEDED;
      st.phase = ok ? SimulationBurstStatus.Phase.Succeeded : SimulationBurstStatus.Phase.Failed;
      st.message = ok ? "" : bs.getMessage();
      String summary = st.progress + " tasks, " + st.producedSamples + " samples, makespan " + st.makespanSeconds + " s";
      Conditions.set(st, prev, FedmeshApi.CONDITION_READY, ok, ok ? "Succeeded" : "TasksFailed",
          ok ? summary : bs.getFailed() + " task(s) failed (" + bs.getMessage() + "); " + summary, st.observedGeneration);
      patcher.patch(SimulationBurst.class, ns, name, st);
      if (ok) {
        events.normal(burst, "BurstSucceeded", summary);
      } else {
        events.warning(burst, "BurstFailed", st.condition(FedmeshApi.CONDITION_READY).getMessage());
      }
      return UpdateControl.noUpdate();
    } catch (io.grpc.StatusRuntimeException | io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      return notReady(burst, "Unreachable", "bridge " + endpoint + ": " + e.getMessage(), Duration.ofSeconds(10));
    }
  }

  public static List<String> validate(SimulationBurstSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is missing: set spec.clusterRef, spec.tasks and spec.application");
    }
    if (spec.clusterRef == null || spec.clusterRef.isBlank()) {
      p.add("spec.clusterRef is required: name the HpcCluster to run on");
    }
    if (spec.tasks == null || spec.tasks < 1 || spec.tasks > 10000) {
      p.add("spec.tasks must be between 1 and 10000 (got " + spec.tasks + ")");
    }
    if (spec.application == null || spec.application.type != SimulationBurstSpec.Application.Type.COMMAND) {
      p.add("spec.application.type advection-diffusion needs the built-in reference simulation, which this bridge version does not"
          + " ship yet: use type command with a program that writes CSV samples to $FEDMESH_OUTPUT");
    } else if (spec.application.command == null || spec.application.command.isBlank()) {
      p.add("spec.application.command is required for type command");
    }
    for (SimulationBurstSpec.SweepParameter s : spec.sweep == null ? List.<SimulationBurstSpec.SweepParameter>of() : spec.sweep) {
      if (s.min == null || s.max == null || s.min > s.max) {
        p.add("spec.sweep[" + s.name + "]: min must not exceed max");
      }
    }
    return p;
  }

  private UpdateControl<SimulationBurst> notReady(SimulationBurst burst, String reason, String message, Duration retry) {
    SimulationBurstStatus st = copy(burst.getStatus());
    if (st.phase == null) {
      st.phase = SimulationBurstStatus.Phase.Pending;
    }
    st.observedGeneration = burst.getMetadata().getGeneration();
    st.message = message;
    Conditions.set(st, burst.getStatus(), FedmeshApi.CONDITION_READY, false, reason, message, st.observedGeneration);
    patcher.patch(SimulationBurst.class, burst.getMetadata().getNamespace(), burst.getMetadata().getName(), st);
    return retry == null ? UpdateControl.noUpdate() : UpdateControl.<SimulationBurst>noUpdate().rescheduleAfter(retry);
  }

  private static SimulationBurstStatus copy(SimulationBurstStatus s) {
    SimulationBurstStatus c = new SimulationBurstStatus();
    if (s != null) {
      c.phase = s.phase;
      c.submittedAt = s.submittedAt;
      c.progress = s.progress;
      c.total = s.total;
      c.ownerTraining = s.ownerTraining;
      c.conditions = s.conditions;
    }
    return c;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
