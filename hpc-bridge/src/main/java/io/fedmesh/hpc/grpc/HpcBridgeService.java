package io.fedmesh.hpc.grpc;

import io.fedmesh.hpc.bursts.BurstExecution;
import io.fedmesh.hpc.bursts.BurstOutputs;
import io.fedmesh.hpc.bursts.BurstStore;
import io.fedmesh.hpc.bursts.BurstSupervisor;
import io.fedmesh.hpc.bursts.LauncherFactory;
import io.fedmesh.hpc.apps.ApplicationAllowlist;
import io.fedmesh.hpc.apps.UnknownApplicationException;
import io.fedmesh.hpc.sim.SimulationLauncher;
import io.fedmesh.proto.hpc.v1.BurstStatus;
import io.fedmesh.proto.hpc.v1.CancelBurstRequest;
import io.fedmesh.proto.hpc.v1.CancelBurstResponse;
import io.fedmesh.proto.hpc.v1.ClusterInfo;
import io.fedmesh.proto.hpc.v1.DataChunk;
import io.fedmesh.proto.hpc.v1.DescribeClusterRequest;
import io.fedmesh.proto.hpc.v1.FetchDataRequest;
import io.fedmesh.proto.hpc.v1.GetBurstRequest;
import io.fedmesh.proto.hpc.v1.HpcBridgeGrpc;
import io.fedmesh.proto.hpc.v1.Partition;
import io.fedmesh.proto.hpc.v1.SubmitBurstRequest;
import io.fedmesh.proto.hpc.v1.SubmitBurstResponse;
import io.fedmesh.proto.hpc.v1.TaskEvent;
import io.fedmesh.proto.hpc.v1.WatchBurstRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HPC bridge's gRPC service: maps each call onto the bursts ({@link BurstSupervisor} starts,
 * follows and cancels them; {@link BurstStore} knows them and their journal under
 * {@code <workDir>/bursts/<uid>/}; {@link BurstOutputs} joins their samples) and their failures onto
 * gRPC status codes. Submit is idempotent on the burst's uid: a resubmit returns the burst that
 * exists. A restarted bridge serves finished bursts from their journal and resumes unfinished ones.
 */
public final class HpcBridgeService extends HpcBridgeGrpc.HpcBridgeImplBase implements AutoCloseable {
  private final int cores;
  private final String scheduler;
  private final BurstStore store;
  private final BurstSupervisor supervisor;
  private volatile Supplier<ClusterInfo> clusterProbe;

  /**
   * @param launchers builds the launcher of a burst (local slots or Slurm)
   */
  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers) {
    this(workDir, cores, scheduler, launchers, new SimpleMeterRegistry());
  }

  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers, MeterRegistry registry) {
    this(workDir, cores, scheduler, launchers, registry, new SimulationLauncher());
  }

  /** @param simulation builds the command line of the built-in reference simulation, the only application allowed */
  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers, MeterRegistry registry,
      SimulationLauncher simulation) {
    this(workDir, cores, scheduler, launchers, registry, ApplicationAllowlist.builtIn(simulation));
  }

  /** @param applications what tasks may run (the built-in reference simulation and the admin's --applications file) */
  public HpcBridgeService(Path workDir, int cores, String scheduler, LauncherFactory launchers, MeterRegistry registry,
      ApplicationAllowlist applications) {
    this.cores = cores;
    this.scheduler = scheduler;
    this.store = new BurstStore(workDir);
    this.supervisor = new BurstSupervisor(store, cores, launchers, applications, registry);
    supervisor.resumeJournaled();
  }

  @Override
  public void submit(SubmitBurstRequest request, StreamObserver<SubmitBurstResponse> response) {
    String uid = request.getBurstUid();
    if (badUid(uid, response)) {
      return;
    }
    Optional<BurstExecution> created;
    try {
      created = supervisor.submit(request);
    } catch (UnknownApplicationException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("burst " + uid + ": " + e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("burst " + uid + ": " + e.getMessage()).asRuntimeException());
      return;
    } catch (BurstSupervisor.SpecConflictException e) {
      response.onError(Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    response.onNext(SubmitBurstResponse.newBuilder().setBurstUid(uid).setCreated(created.isPresent()).setStatus(store.status(uid)).build());
    response.onCompleted();
  }

  @Override
  public void cancel(CancelBurstRequest request, StreamObserver<CancelBurstResponse> response) {
    String uid = request.getBurstUid();
    if (badUid(uid, response)) {
      return;
    }
    if (!store.knows(uid)) {
      response.onError(notFound(uid));
      return;
    }
    response.onNext(CancelBurstResponse.newBuilder().setCancelled(supervisor.cancel(uid)).build());
    response.onCompleted();
  }

  @Override
  public void watch(WatchBurstRequest request, StreamObserver<TaskEvent> response) {
    String uid = request.getBurstUid();
    if (badUid(uid, response)) {
      return;
    }
    Optional<BurstExecution> live = store.live(uid);
    if (live.isPresent()) {
      live.get().watch(response);
      return;
    }
    Optional<BurstStatus> ended = store.endedBefore(uid);
    if (ended.isEmpty()) {
      response.onError(notFound(uid));
      return;
    }
    ended.get().getTasksList().forEach(response::onNext);
    response.onCompleted();
  }

  @Override
  public void get(GetBurstRequest request, StreamObserver<BurstStatus> response) {
    if (badUid(request.getBurstUid(), response)) {
      return;
    }
    BurstStatus s = store.status(request.getBurstUid());
    if (s == null) {
      response.onError(notFound(request.getBurstUid()));
      return;
    }
    response.onNext(s);
    response.onCompleted();
  }

  /**
   * Answers DescribeCluster from {@code probe} (sinfo/squeue on Slurm, see
   * {@link io.fedmesh.hpc.slurm.SlurmCluster}); by default the bridge's own slots. Call before serving.
   */
  public HpcBridgeService withClusterProbe(Supplier<ClusterInfo> probe) {
    this.clusterProbe = probe;
    return this;
  }

  @Override
  public void describeCluster(DescribeClusterRequest request, StreamObserver<ClusterInfo> response) {
    try {
      response.onNext(clusterProbe == null ? localCluster() : clusterProbe.get());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Status.UNAVAILABLE.withDescription(scheduler + " cannot be described: " + e.getMessage()).asRuntimeException());
    }
  }

  private ClusterInfo localCluster() {
    return ClusterInfo.newBuilder().setScheduler(scheduler).setRunningJobs((int) store.running())
        .addPartitions(Partition.newBuilder().setName("default").setTotalCpus(cores).setFreeCpus(cores).setNodes(1).setState("up"))
        .setVersion("fedmesh-hpc-bridge 0.1.0").build();
  }

  /** The burst's CSV outputs concatenated, header once, in task order. */
  @Override
  public void fetchData(FetchDataRequest request, StreamObserver<DataChunk> response) {
    String uid = request.getBurstUid();
    if (badUid(uid, response)) {
      return;
    }
    if (store.status(uid) == null) {
      response.onError(notFound(uid));
      return;
    }
    BurstOutputs.Joined data;
    try {
      data = BurstOutputs.join(store.outputDir(uid));
    } catch (BurstOutputs.HeaderMismatchException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IOException e) {
      response.onError(Status.INTERNAL.withDescription("cannot read outputs of " + uid + ": " + e.getMessage()).asRuntimeException());
      return;
    }
    data.send(request.getOffset(), response::onNext);
    response.onCompleted();
  }

  /** The current status of a burst with its tasks' events, or null when unknown. */
  public BurstStatus describe(String uid) {
    return store.status(uid);
  }

  /**
   * A burst's uid names its directory under the work dir: only a Kubernetes uid's characters are
   * accepted, so no uid (an absolute path, {@code ../x}) can reach outside it.
   */
  private static boolean badUid(String uid, StreamObserver<?> response) {
    if (BurstStore.validUid(uid)) {
      return false;
    }
    response.onError(Status.INVALID_ARGUMENT.withDescription("burst_uid must be the SimulationBurst's metadata.uid: lowercase letters,"
        + " digits and '-', 1 to 64 characters").asRuntimeException());
    return true;
  }

  private static StatusRuntimeException notFound(String uid) {
    return Status.NOT_FOUND.withDescription("no burst with uid " + uid + " on this bridge").asRuntimeException();
  }

  /**
   * Stops scheduling without touching the jobs: what runs keeps running (Slurm jobs, local
   * processes) and the next bridge process on the same work directory follows it.
   */
  @Override
  public void close() {
    supervisor.close();
  }
}
