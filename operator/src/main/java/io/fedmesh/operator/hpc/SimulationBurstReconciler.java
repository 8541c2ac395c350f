package io.fedmesh.operator.hpc;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fedmesh.api.v1alpha1.FedmeshApi;
import io.fedmesh.api.v1alpha1.HpcCluster;
import io.fedmesh.api.v1alpha1.SimulationBurst;
import io.fedmesh.api.v1alpha1.SimulationBurstSpec;
import io.fedmesh.api.v1alpha1.SimulationBurstStatus;
import io.fedmesh.common.io.AtomicFiles;
import io.fedmesh.common.sim.ReferenceSimulation;
import io.fedmesh.operator.status.Conditions;
import io.fedmesh.operator.status.EventRecorder;
import io.fedmesh.operator.status.StatusRecorder;
import io.fedmesh.proto.hpc.v1.BurstPhase;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * observe -> validate (spec, then the HpcCluster it names or the namespace's default, {@link ClusterChoice})
 * -> submit once (the uid makes a resubmit harmless) -> mirror the bridge's counts and measurements -> on completion fetch the produced
 * samples into {@code <checkpointDir>/bursts/<ns>/<name>/data.csv}.
 */
@ControllerConfiguration(name = "simulationburst")
public final class SimulationBurstReconciler implements Reconciler<SimulationBurst>, Cleaner<SimulationBurst> {
  private static final Duration POLL = Duration.ofSeconds(2);
  /** How long a deleted burst waits for an unreachable bridge before it goes without cancelling. */
  static final Duration CANCEL_GIVE_UP = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final BridgeClient bridges;
  private final StatusRecorder<SimulationBurstStatus, SimulationBurst> status;
  private final EventRecorder events;
  private final Path checkpointDir;
  private final Timer latency;

  public SimulationBurstReconciler(KubernetesClient client, BridgeClient bridges, StatusRecorder<SimulationBurstStatus, SimulationBurst> status, EventRecorder events,
      Path checkpointDir, Timer latency) {
    this.client = client;
    this.bridges = bridges;
    this.status = status;
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
    ClusterChoice choice = ClusterChoice.of(client, ns, clusterName(burst));
    if (choice.cluster() == null) {
      return notReady(burst, "ClusterNotFound", choice.problem(), Duration.ofSeconds(5));
    }
    HpcCluster cluster = choice.cluster();
    String endpoint = cluster.getSpec().bridge.endpoint;
    int timeout = cluster.getSpec().bridge.timeoutSeconds == null ? io.fedmesh.api.v1alpha1.TrainingDefaults.BRIDGE_TIMEOUT_SECONDS : cluster.getSpec().bridge.timeoutSeconds;
    SimulationBurstStatus st = copy(prev);
    st.observedGeneration = burst.getMetadata().getGeneration();
    st.cluster = cluster.getMetadata().getName();
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
        status.merge(ns, name, st);
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
      status.merge(ns, name, st);
      if (ok) {
        events.normal(burst, "BurstSucceeded", summary);
      } else {
        events.warning(burst, "BurstFailed", st.condition(FedmeshApi.CONDITION_READY).getMessage());
      }
      return UpdateControl.noUpdate();
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS) {
        return notReady(burst, "SpecConflict", "bridge " + endpoint + ": " + e.getStatus().getDescription(), Duration.ofMinutes(1));
      }
      if (e.getStatus().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION) {
        // the bridge's admin may add the application: look again now and then
        return notReady(burst, "ApplicationNotAllowed", "bridge " + endpoint + ": " + e.getStatus().getDescription(),
            Duration.ofMinutes(1));
      }
      if (e.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT) {
        return notReady(burst, "RequestRefused", "bridge " + endpoint + ": " + e.getStatus().getDescription()
            + "; fix the spec", null);
      }
      return notReady(burst, "Unreachable", "bridge " + endpoint + ": " + e.getMessage(), Duration.ofSeconds(10));
    } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      return notReady(burst, "Unreachable", "bridge " + endpoint + ": " + e.getMessage(), Duration.ofSeconds(10));
    }
  }

  /**
   * The finalizer: a burst deleted while its tasks run has them cancelled on the bridge (scancel
   * on Slurm) before the object goes. An unreachable bridge is retried for {@link #CANCEL_GIVE_UP},
   * then the burst goes anyway with a warning event, so a dead bridge never blocks a delete.
   */
  @Override
  public DeleteControl cleanup(SimulationBurst burst, Context<SimulationBurst> context) {
    SimulationBurstStatus st = burst.getStatus();
    if (st == null || st.submittedAt == null || st.phase == SimulationBurstStatus.Phase.Succeeded
        || st.phase == SimulationBurstStatus.Phase.Failed) {
      return DeleteControl.defaultDelete();
    }
    String ns = burst.getMetadata().getNamespace();
    HpcCluster cluster = ClusterChoice.of(client, ns, clusterName(burst)).cluster();
    if (cluster == null) {
      events.warning(burst, "CancelSkipped", "HpcCluster '" + clusterName(burst) + "' is gone, so the burst's tasks could not be"
          + " cancelled; cancel them on the cluster if they still run");
      return DeleteControl.defaultDelete();
    }
    String endpoint = cluster.getSpec().bridge.endpoint;
    int timeout = cluster.getSpec().bridge.timeoutSeconds == null ? io.fedmesh.api.v1alpha1.TrainingDefaults.BRIDGE_TIMEOUT_SECONDS : cluster.getSpec().bridge.timeoutSeconds;
    try {
      int n = bridges.cancel(endpoint, timeout, burst.getMetadata().getUid());
      events.normal(burst, "BurstCancelled", n + " unfinished task(s) cancelled on " + endpoint);
      return DeleteControl.defaultDelete();
    } catch (io.grpc.StatusRuntimeException | io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      if (e instanceof io.grpc.StatusRuntimeException sre && sre.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return DeleteControl.defaultDelete(); // the bridge never had it (or lost its journal): nothing to cancel
      }
      String deleted = burst.getMetadata().getDeletionTimestamp();
      boolean giveUp = deleted != null && java.time.Instant.parse(deleted).plus(CANCEL_GIVE_UP).isBefore(java.time.Instant.now());
      if (giveUp) {
        events.warning(burst, "CancelSkipped", "bridge " + endpoint + " did not answer for " + CANCEL_GIVE_UP.toMinutes()
            + " minutes (" + e.getMessage() + "); deleted without cancelling: cancel its jobs on the cluster if they still run");
        return DeleteControl.defaultDelete();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
    }
  }

  /**
   * The cluster a burst was submitted to stays its cluster, even if the namespace's default moves
   * later; before that, spec.clusterRef (null: the default, resolved now).
   */
  private static String clusterName(SimulationBurst burst) {
    SimulationBurstStatus st = burst.getStatus();
    if (st != null && st.submittedAt != null && st.cluster != null) {
      return st.cluster;
    }
    return burst.getSpec() == null ? null : burst.getSpec().clusterRef;
  }

  public static List<String> validate(SimulationBurstSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is missing: set spec.tasks and spec.application");
    }
    if (spec.tasks == null || spec.tasks < 1 || spec.tasks > 10000) {
      p.add("spec.tasks must be between 1 and 10000 (got " + spec.tasks + ")");
    }
    boolean builtIn = spec.application == null || spec.application.type == null
        || spec.application.type == SimulationBurstSpec.Application.Type.ADVECTION_DIFFUSION;
    if (spec.application != null) {
      p.addAll(ApplicationSpecs.problems(spec.application, spec.sweep == null ? List.of() : spec.sweep));
    }
    List<SimulationBurstSpec.SweepParameter> sweep = spec.sweep == null ? List.of() : spec.sweep;
    java.util.Set<String> swept = new java.util.HashSet<>();
    for (int i = 0; i < sweep.size(); i++) {
      SimulationBurstSpec.SweepParameter s = sweep.get(i);
      String at = "spec.sweep[" + i + "]" + (s.name == null ? "" : " (" + s.name + ")");
      if (s.name != null && !swept.add(s.name)) {
        p.add(at + ": '" + s.name + "' is swept twice; list each parameter once");
        continue;
      }
      if (s.min == null || s.max == null || s.min > s.max) {
        p.add(at + ": min must not exceed max");
        continue;
      }
      if (builtIn) {
        var range = ReferenceSimulation.range(s.name);
        if (range.isEmpty()) {
          p.add(at + ": advection-diffusion has no parameter '" + s.name + "'; valid names are " + ReferenceSimulation.names());
        } else if (!range.get().contains(s.min) || !range.get().contains(s.max)) {
          p.add(at + ": [" + ReferenceSimulation.fmt(s.min) + ", " + ReferenceSimulation.fmt(s.max) + "] leaves the valid range: "
              + range.get().describe());
        }
      }
    }
    if (spec.pipeline != null) {
      p.add("spec.pipeline (post-process, train and evaluate stages) is not run by this operator version: remove it;"
          + " the burst's samples already join training through a FederatedTraining's cloud-side learner");
    }
    int ranks = spec.ranksPerTask == null ? 2 : spec.ranksPerTask;
    if (builtIn && spec.application != null && spec.application.grid != null && spec.application.grid < ranks) {
      p.add("spec.application.grid " + spec.application.grid + " is too small for ranksPerTask " + ranks
          + ": every rank needs at least one row of the grid; raise grid or lower ranksPerTask");
    }
    p.addAll(io.fedmesh.operator.validation.BurstSpecBounds.problems(spec));
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
    status.merge(burst.getMetadata().getNamespace(), burst.getMetadata().getName(), st);
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
